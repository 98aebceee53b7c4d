/** Whether two OSD lists are the same, in the same order. */
export const sameList = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
