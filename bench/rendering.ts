/**
 * `node --import tsx bench/rendering.ts [--val DIR] [--clip 0.05,0.15] [--knees 0.6,0.75,0.85]`
 *
 * How far the default SDR rendering of a result strays from the photo it came from. Each val scene
 * (Radiance .hdr) becomes an 8-bit sRGB photo exposed so that `clip` of its pixels clip, reduced
 * to ≤ 1024 px; the shipped model converts it; the result is tone-mapped with the old default
 * (extended Reinhard, white 4) and the new one (`highlights`, white at the result's peak), and each
 * is compared with the photo over the pixels the photo did not clip (every channel < 254): mean
 * absolute difference in 8-bit codes, and the share of those pixels more than 2 codes off. In the
 * clipped pixels it reports the spread (standard deviation, codes) of the rendering, which is the
 * highlight detail brought back (the photo's own spread there is 0). `--knees` scores other knees
 * by the same rule (the new rendering's formula with K moved) to show the choice. `curve` is the
 * share of the difference that is no tone mapping's: the result below the blend's ramp (where it is
 * the model's own linearisation of the photo, its tone head's per-image curve) clamped and
 * sRGB-encoded, against the photo; the app's "before" goes through that same linearisation.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { BLEND_RAMP_START } from '../src-main/engine/domain/clip'
import { decodeRadiance } from '../src-main/engine/codecs/radiance-decoder'
import { downscaleArea } from '../src-main/engine/imaging/resample'
import {
  autoWhitePoint,
  DEFAULT_TONEMAP,
  HIGHLIGHT_KNEE,
  srgbDecode,
  srgbEncode,
  toneMapImage
} from '../src-main/engine/imaging/tonemap'
import { createEngine } from '../src-main/engine/pipeline/engine'
import type { RgbImage, ToneMapSettings } from '../src-main/engine/types'

const { values } = parseArgs({
  options: {
    val: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data/hdr/val') },
    clip: { type: 'string', default: '0.05,0.15' },
    knees: { type: 'string', default: '0.6,0.85' }
  }
})

const OLD: ToneMapSettings = { operator: 'reinhard', exposureEv: 0, whitePoint: 4, gamma: 1 }
const LONG_SIDE = 1024
const CLIP_CODE = 254

/** The scene exposed so that `fraction` of its pixels have a channel at or above 1, as an 8-bit sRGB photo. */
function photograph(scene: RgbImage, fraction: number): RgbImage {
  const n = scene.width * scene.height
  const maxima = new Float32Array(n)
  for (let p = 0; p < n; p++) maxima[p] = Math.max(scene.data[3 * p], scene.data[3 * p + 1], scene.data[3 * p + 2])
  const sorted = Float32Array.from(maxima).sort()
  const gain = 1 / sorted[Math.floor((1 - fraction) * (n - 1))]
  const data = new Float32Array(scene.data.length)
  for (let i = 0; i < data.length; i++) {
    const v = Math.min(1, Math.max(0, scene.data[i] * gain))
    data[i] = Math.round(srgbEncode(v) * 255) / 255
  }
  return { width: scene.width, height: scene.height, data }
}

interface Score {
  /** Mean absolute difference to the photo over its unclipped pixels, 8-bit codes. */
  mad: number
  /** Share of the unclipped pixels with a channel more than 2 codes off. */
  off: number
  /** Standard deviation of the rendering's codes over the photo's clipped pixels. */
  detail: number
}

function score(photo: RgbImage, rendered: Uint8Array): Score {
  let sum = 0
  let count = 0
  let off = 0
  let pixels = 0
  let cSum = 0
  let cSq = 0
  let cCount = 0
  for (let i = 0; i < rendered.length; i += 3) {
    const codes = [0, 1, 2].map((c) => Math.round(photo.data[i + c] * 255))
    if (Math.max(...codes) < CLIP_CODE) {
      let worst = 0
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(rendered[i + c] - codes[c])
        sum += d
        worst = Math.max(worst, d)
      }
      count += 3
      pixels++
      if (worst > 2) off++
    } else {
      for (let c = 0; c < 3; c++) {
        cSum += rendered[i + c]
        cSq += rendered[i + c] ** 2
      }
      cCount += 3
    }
  }
  const mean = cCount ? cSum / cCount : 0
  return {
    mad: sum / count,
    off: off / pixels,
    detail: cCount ? Math.sqrt(Math.max(0, cSq / cCount - mean * mean)) : 0
  }
}

/** The new rendering with its knee moved to `knee`, for the comparison of knees only. */
function renderWithKnee(hdr: RgbImage, knee: number, white: number): Uint8Array {
  const out = new Uint8Array(hdr.data.length)
  const room = 1 - knee
  const bigU = Math.max(1, (white - knee) / room)
  for (let i = 0; i < hdr.data.length; i += 3) {
    const m = Math.max(hdr.data[i], hdr.data[i + 1], hdr.data[i + 2])
    let f = 1
    if (m > knee) {
      const u = (m - knee) / room
      f = (knee + (room * u * (1 + u / (bigU * bigU))) / (1 + u)) / m
    }
    for (let c = 0; c < 3; c++) out[i + c] = Math.round(srgbEncode(Math.min(1, Math.max(0, hdr.data[i + c] * f))) * 255)
  }
  return out
}

/** Mean |sRGB-encoded result − photo| in codes over channels below the blend's ramp, where the result is the model's linearisation. */
function curveShare(photo: RgbImage, hdr: RgbImage): number {
  let sum = 0
  let count = 0
  for (let i = 0; i < hdr.data.length; i++) {
    if (photo.data[i] >= BLEND_RAMP_START) continue
    sum += Math.abs(
      Math.round(srgbEncode(Math.min(1, Math.max(0, hdr.data[i]))) * 255) - Math.round(photo.data[i] * 255)
    )
    count++
  }
  return sum / count
}

const format = (s: Score): string => `${s.mad.toFixed(2)} (${(100 * s.off).toFixed(1)} %) ${s.detail.toFixed(1)}`

const engine = await createEngine({ warmUp: false, stripWorkers: false })
const knees = values.knees.split(',').map(Number)
const fractions = values.clip.split(',').map(Number)
console.log(`model ${engine.info.model.name} ${engine.info.model.version}; new default knee ${HIGHLIGHT_KNEE}`)
console.log(`srgbDecode(254/255) = ${srgbDecode(254 / 255).toFixed(4)}`)
console.log(
  'Each cell: mean |rendering − photo| over unclipped pixels in 8-bit codes (share > 2 codes off), then spread in clipped pixels'
)
console.log(
  [
    'scene',
    'clip',
    'peak',
    'curve',
    'old (Reinhard W 4)',
    `new (knee ${HIGHLIGHT_KNEE}, auto W)`,
    ...knees.map((k) => `knee ${k}`)
  ].join(' | ')
)
const totals = { curve: [] as number[], old: [] as Score[], new: [] as Score[], knees: knees.map(() => [] as Score[]) }
for (const name of (await readdir(values.val)).filter((f) => f.endsWith('.hdr')).sort()) {
  const scene = decodeRadiance(await readFile(join(values.val, name)))
  const k = Math.min(1, LONG_SIDE / Math.max(scene.width, scene.height))
  const small = downscaleArea(scene, Math.round(scene.width * k), Math.round(scene.height * k))
  for (const fraction of fractions) {
    const photo = photograph(small, fraction)
    // The peak the app and the CLI take the automatic white point from.
    let peak = 1
    const hdr = await engine.predict(photo, { beforeStrips: async (summary) => void (peak = await summary.peak()) })
    const white = autoWhitePoint(peak, 0)
    const oldScore = score(photo, toneMapImage(hdr, OLD, 8) as Uint8Array)
    const newScore = score(photo, toneMapImage(hdr, { ...DEFAULT_TONEMAP, whitePoint: white }, 8) as Uint8Array)
    const kneeScores = knees.map((knee) => score(photo, renderWithKnee(hdr, knee, white)))
    const curve = curveShare(photo, hdr)
    totals.curve.push(curve)
    totals.old.push(oldScore)
    totals.new.push(newScore)
    kneeScores.forEach((s, i) => totals.knees[i].push(s))
    console.log(
      [
        name.replace(/\.hdr$/, ''),
        fraction,
        peak.toFixed(1),
        curve.toFixed(2),
        format(oldScore),
        format(newScore),
        ...kneeScores.map(format)
      ].join(' | ')
    )
  }
}
const mean = (scores: Score[]): Score => ({
  mad: scores.reduce((a, s) => a + s.mad, 0) / scores.length,
  off: scores.reduce((a, s) => a + s.off, 0) / scores.length,
  detail: scores.reduce((a, s) => a + s.detail, 0) / scores.length
})
const curveMean = totals.curve.reduce((a, b) => a + b, 0) / totals.curve.length
console.log(
  [
    'mean',
    '',
    '',
    curveMean.toFixed(2),
    format(mean(totals.old)),
    format(mean(totals.new)),
    ...totals.knees.map((s) => format(mean(s)))
  ].join(' | ')
)
await engine.dispose()
