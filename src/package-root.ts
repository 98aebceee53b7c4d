/**
 * The package's root folder, as a file URL ending in `/`: files that are not compiled (package.json, modules/,
 * bench/) are found from here, the same whether this code runs from src/ or from the build in dist/src/.
 */
export const PACKAGE_ROOT: URL = new URL(import.meta.url.endsWith('.ts') ? '../' : '../../', import.meta.url);
