/**
 * Pixel maths of colour spaces described the ICC way (D50-adapted colorants and one tone curve per
 * channel): encoded ↔ linear light, and the matrix between two spaces' linear RGB. Used to hand a
 * photo back in its own colour space (`source-colour.ts`).
 */

/** Red, green and blue colorants (XYZ, adapted to D50 as ICC profiles store them), and a name. */
export interface Colorants {
  name: string
  red: [number, number, number]
  green: [number, number, number]
  blue: [number, number, number]
}

/** sRGB / Rec. 709 primaries with a D65 white, adapted to D50 (the values of the ICC's own sRGB profile). */
export const SRGB_COLORANTS: Colorants = Object.freeze({
  name: 'sRGB',
  red: [0.4360747, 0.2225045, 0.0139322],
  green: [0.3850649, 0.7168786, 0.0971045],
  blue: [0.1430804, 0.0606169, 0.7141733]
}) as Colorants

/** The sRGB tone curve as ICC v4 profiles write it (parametric type 3). */
export const SRGB_CURVE: ToneCurve = Object.freeze({
  kind: 'parametric',
  type: 3,
  params: [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045, 0, 0]
}) as ToneCurve

/** A 3×3 matrix, row-major. */
export type Matrix3 = [number, number, number, number, number, number, number, number, number]

/**
 * The matrix taking linear RGB in `from`'s primaries to linear RGB in `to`'s (through D50 XYZ).
 * @example rgbToRgb(SRGB_COLORANTS, prophoto) // sRGB-linear → ProPhoto-linear
 */
export function rgbToRgb(from: Colorants, to: Colorants): Matrix3 {
  return multiply(invert(toXyz(to)), toXyz(from))
}

/** True when two colour spaces are the same for 16-bit work: colorants within 0.002, curves within 1/1000. */
export function sameSpace(
  a: { primaries: Colorants; curves: ToneCurve[] },
  b: { primaries: Colorants; curves: ToneCurve[] }
): boolean {
  const near = (x: number[], y: number[]): boolean => x.every((v, i) => Math.abs(v - y[i]) < 0.002)
  const { primaries: p, curves } = a
  const { primaries: q } = b
  if (!near(p.red, q.red) || !near(p.green, q.green) || !near(p.blue, q.blue)) return false
  return curves.every((curve, c) =>
    [0.02, 0.1, 0.3, 0.5, 0.8].every((x) => Math.abs(curveToLinear(curve, x) - curveToLinear(b.curves[c], x)) < 1e-3)
  )
}

function toXyz({ red, green, blue }: Colorants): Matrix3 {
  return [red[0], green[0], blue[0], red[1], green[1], blue[1], red[2], green[2], blue[2]]
}

function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Array<number>(9)
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c]
  return out as Matrix3
}

function invert(m: Matrix3): Matrix3 {
  const [a, b, c, d, e, f, g, h, i] = m
  const A = e * i - f * h
  const B = -(d * i - f * g)
  const C = d * h - e * g
  const det = a * A + b * B + c * C
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det
  ]
}

/** One channel's tone curve, as the profile stores it: encoded value → linear light, both in [0,1]. */
export type ToneCurve =
  | { kind: 'gamma'; gamma: number }
  /** ICC parametric curve (types 0–4): `[g, a, b, c, d, e, f]`, missing ones 0 (a = 1). */
  | { kind: 'parametric'; type: number; params: number[] }
  | { kind: 'table'; table: Float64Array }

/**
 * Linear light of an encoded value through one curve.
 * @param curve The channel's curve.
 * @param encoded Encoded value in [0,1].
 */
export function curveToLinear(curve: ToneCurve, encoded: number): number {
  const x = Math.min(1, Math.max(0, encoded))
  switch (curve.kind) {
    case 'gamma':
      return Math.pow(x, curve.gamma)
    case 'table': {
      const { table } = curve
      const position = x * (table.length - 1)
      const i = Math.min(table.length - 2, Math.floor(position))
      return table[i] + (table[i + 1] - table[i]) * (position - i)
    }
    case 'parametric': {
      const [g, a, b, c, d, e, f] = curve.params
      switch (curve.type) {
        case 0:
          return Math.pow(x, g)
        case 1:
          return x >= -b / a ? Math.pow(a * x + b, g) : 0
        case 2:
          return x >= -b / a ? Math.pow(a * x + b, g) + c : c
        case 3:
          return x >= d ? Math.pow(a * x + b, g) : c * x
        default:
          return x >= d ? Math.pow(a * x + b, g) + e : c * x + f
      }
    }
  }
}

/**
 * The encoded value whose linear light is `linear`: the inverse of `curveToLinear` (exact for gamma
 * and parametric curves, by search for tables, which are monotonic in every profile worth reading).
 */
export function curveToEncoded(curve: ToneCurve, linear: number): number {
  const y = Math.min(1, Math.max(0, linear))
  switch (curve.kind) {
    case 'gamma':
      return Math.pow(y, 1 / curve.gamma)
    case 'table':
      return invertTable(curve.table, y)
    case 'parametric': {
      const [g, a, b, c, d, e, f] = curve.params
      const clamp = (v: number): number => Math.min(1, Math.max(0, v))
      switch (curve.type) {
        case 0:
          return Math.pow(y, 1 / g)
        case 1:
          return clamp((Math.pow(y, 1 / g) - b) / a)
        case 2:
          return clamp(y > c ? (Math.pow(y - c, 1 / g) - b) / a : -b / a)
        case 3:
          return clamp(y >= c * d ? (Math.pow(y, 1 / g) - b) / a : c > 0 ? y / c : 0)
        default:
          return clamp(y >= c * d + f ? (Math.pow(Math.max(0, y - e), 1 / g) - b) / a : c > 0 ? (y - f) / c : 0)
      }
    }
  }
}

function invertTable(table: Float64Array, y: number): number {
  let lo = 0
  let hi = table.length - 1
  if (y <= table[lo]) return 0
  if (y >= table[hi]) return 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (table[mid] <= y) lo = mid
    else hi = mid
  }
  const span = table[hi] - table[lo]
  return (lo + (span > 0 ? (y - table[lo]) / span : 0)) / (table.length - 1)
}

/** Buckets of the quantiser's index, spaced by the square root of linear light (dense near black). */
const QUANTISER_BUCKETS = 16384

/**
 * Rounds linear values to a curve's codes exactly as `Math.round(curveToEncoded(curve, y) · max)`,
 * by table instead of a power per sample: the linear value where each code gives way to the next,
 * and an index into those by √y, so a lookup walks a few codes at most.
 * @param curve The channel's curve (monotonic).
 * @param bits 8 or 16.
 * @returns A function of linear light (clamped to [0,1]) giving the code.
 */
export function curveQuantiser(curve: ToneCurve, bits: 8 | 16): (linear: number) => number {
  const max = bits === 16 ? 65535 : 255
  // thresholds[k]: from this linear value on, code k + 1 is the nearer one.
  const thresholds = new Float64Array(max)
  for (let k = 0; k < max; k++) thresholds[k] = curveToLinear(curve, (k + 0.5) / max)
  const start = new Uint32Array(QUANTISER_BUCKETS + 1)
  for (let b = 0, k = 0; b <= QUANTISER_BUCKETS; b++) {
    const y = (b / QUANTISER_BUCKETS) ** 2
    while (k < max && thresholds[k] < y) k++
    start[b] = k
  }
  return (linear) => {
    const y = linear > 0 ? (linear < 1 ? linear : 1) : 0
    let code = start[(Math.sqrt(y) * QUANTISER_BUCKETS) | 0]!
    while (code < max && thresholds[code]! <= y) code++
    return code
  }
}
