import type { EngineInfo, StageTimings } from '../src-main/engine/types'
import type { Measurement } from './measure'

export interface SizeResult extends Measurement {
  megapixels: number
  width: number
  height: number
  jpegBytes: number
}

const STAGES: (keyof StageTimings)[] = ['decode', 'inference', 'upsample', 'hdrEncode', 'pngEncode', 'strips', 'write']

/**
 * The console table: one row per size, ms per stage of the first photo, its end-to-end time and
 * the second photo's (same engine, as in a batch or the app), the sharp yardstick and peak RSS.
 */
export function formatTable(
  model: EngineInfo['model'] | undefined,
  provider: string | undefined,
  results: SizeResult[]
): string {
  const header = ['size', ...STAGES, 'total', 'next photo', 'sharp decode', 'peak RSS']
  const rows = results.map((r) => [
    `${r.megapixels} MP`,
    ...STAGES.map((stage) => ms(r.timings?.[stage])),
    r.error ? `${r.error.code}` : ms(r.endToEndMs),
    ms(r.warmEndToEndMs),
    ms(r.sharpDecodeMs),
    r.peakRssMb ? `${Math.round(r.peakRssMb)} MB` : '-'
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i])).join('  ')
  const title = [
    `model ${model ? `${model.name} ${model.version}${model.fixture ? ' (fixture)' : ''}` : '?'} on ${provider ?? '?'}; milliseconds.`,
    'upsample, hdrEncode and pngEncode are busy time summed over the worker threads; strips is the wall time of that phase.'
  ].join(' ')
  const errors = results.filter((r) => r.error).map((r) => `${r.megapixels} MP: ${r.error?.code}: ${r.error?.message}`)
  return [title, line(header), ...rows.map(line), ...errors].join('\n')
}

function ms(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(0)
}
