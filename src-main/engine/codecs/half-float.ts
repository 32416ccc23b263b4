/**
 * IEEE 754 binary16 ("half") conversion for OpenEXR output. Works from the float64 value directly
 * so rounding happens once (going through float32 first could round twice).
 */

/** Largest finite half, 0x7bff. */
export const HALF_MAX = 65504

const HALF_NAN = 0x7e00
const HALF_MAX_BITS = 0x7bff
/** Smallest normal half, 2^-14; below it values are stored as multiples of 2^-24. */
const MIN_NORMAL = 2 ** -14
const SUBNORMAL_STEP = 2 ** -24
/** `2^-e` for the normal half exponents e = -14..15. */
const INVERSE_POW2 = Float64Array.from({ length: 30 }, (_, i) => 2 ** (14 - i))
const f64 = new Float64Array(1)
const f64Words = new Uint32Array(f64.buffer)
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0

/**
 * Converts a number to half-float bits with round-to-nearest-even.
 * Magnitudes above `HALF_MAX`, infinities included, clamp to ±`HALF_MAX`: HDR output must stay
 * finite, and a clamped highlight is better than an infinite one. Tiny values become subnormals
 * or signed zero; NaN becomes the quiet NaN 0x7e00.
 * @param value Any number.
 * @returns The 16-bit pattern, 0..0xffff.
 * @example floatToHalf(1) // 0x3c00
 */
export function floatToHalf(value: number): number {
  if (Number.isNaN(value)) return HALF_NAN
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0
  const a = Math.abs(value)
  if (a >= HALF_MAX) return sign | HALF_MAX_BITS
  // A subnormal that rounds up to 1024 steps is exactly the smallest normal, 0x0400.
  if (a < MIN_NORMAL) return sign | roundHalfEven(a / SUBNORMAL_STEP)
  // a = 1.f · 2^e read from the float64 bits (faster and exact, unlike Math.log2).
  f64[0] = a
  const e = ((f64Words[HIGH_WORD] >>> 20) & 0x7ff) - 1023
  // A mantissa that rounds up to 1024 carries into the exponent, which the addition does for us;
  // it cannot reach infinity because a < HALF_MAX rounds to at most HALF_MAX.
  return sign | (((e + 15) << 10) + roundHalfEven((a * INVERSE_POW2[e + 14] - 1) * 1024))
}

/**
 * Converts half-float bits to a number.
 * @param bits The 16-bit pattern; higher bits are ignored.
 * @returns The exact value, including ±Infinity, NaN, subnormals and -0.
 */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const mantissa = bits & 0x3ff
  if (exponent === 0) return sign * mantissa * SUBNORMAL_STEP
  if (exponent === 31) return mantissa ? NaN : sign * Infinity
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}

/** Round to nearest integer, ties to even; `x` is non-negative and exact (a power-of-two scaling). */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x)
  const fraction = x - floor
  if (fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1)) return floor + 1
  return floor
}
