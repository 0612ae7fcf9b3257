/**
 * A linear ramp clamped to 0..1: 0 at `zeroAt`, 1 at `oneAt`, straight line between. Works either
 * way round (zeroAt > oneAt for "less is better"). Every threshold in the method is one of these,
 * so a component can be checked with a ruler.
 */
export function ramp(x: number, zeroAt: number, oneAt: number): number {
  const t = (x - zeroAt) / (oneAt - zeroAt);
  if (!(t > 0)) return 0; // also NaN
  return t < 1 ? t : 1;
}
