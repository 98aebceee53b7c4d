/** Where the build writes the stamp of the sources it compiled, relative to the package root. */
export declare const STAMP_FILE: string;
/** The stamp of the sources under `root` (a path or file URL) as they are now. */
export declare function sourceStamp(root: string | URL): string;
/** True when `root`'s dist/ holds a finished build of the sources exactly as they are now. */
export declare function distIsCurrent(root: string | URL): boolean;
