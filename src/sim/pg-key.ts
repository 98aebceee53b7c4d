/** A key for one PG across pools (pg_num never exceeds 2^20). */
export function pgKey(pool: number, ps: number): number {
  return pool * 0x100000 + ps;
}
