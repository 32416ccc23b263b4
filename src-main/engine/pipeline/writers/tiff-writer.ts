/**
 * TIFF outputs for photo editors (`codecs/tiff-encoder.ts`), streamed strip by strip to the temporary
 * file: `tif16` is tone-mapped with the conversion's settings into 16-bit (or, for an 8-bit original
 * handed back, 8-bit) RGB; `tif32` is the linear radiance itself, 32-bit float, with a linear-light
 * profile of the same primaries. A photo in a wide-gamut space (`context.sourceColour`) comes back in
 * that space with its own profile; others in sRGB. Both carry the photo's EXIF. Memory stays one
 * strip (plus the photo's own samples, when it has a space of its own) whatever the image size.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { inflateSync } from 'node:zlib'
import { prepareExif } from '../../codecs/exif'
import { linearIccProfile } from '../../codecs/icc-linear'
import { srgbIccProfile } from '../../codecs/png-encoder'
import { TiffEncoder } from '../../codecs/tiff-encoder'
import { displayLinear, SourceColourTransfer } from '../../imaging/source-colour'
import { toneMapImage } from '../../imaging/tonemap'
import type { RgbImage } from '../../types'
import { addTime, TempFileWriter, type OutputWriter, type WriterContext } from './temp-file-writer'

const SOFTWARE = 'Unclip'

export class TiffWriter extends TempFileWriter implements OutputWriter {
  private encoder: TiffEncoder | undefined
  private handle: FileHandle | undefined
  /** Rows received but not yet written: strips of the conversion need not match the TIFF's strips. */
  private pending: Float32Array | Uint16Array | Uint8Array = new Float32Array(0)
  private rowsWritten = 0
  private rowsReceived = 0
  private readonly transfer: SourceColourTransfer | undefined

  constructor(
    readonly format: 'tif16' | 'tif32',
    finalPath: string,
    context: WriterContext
  ) {
    super(finalPath, context)
    const source = context.sourceColour
    this.transfer = source ? new SourceColourTransfer(source.colour, source.input) : undefined
  }

  async add(strip: RgbImage): Promise<void> {
    const started = performance.now()
    const encoder = await this.open()
    this.pending = concat(this.pending, this.samples(strip))
    const rowSamples = this.context.width * 3
    const stripSamples = encoder.rowsPerStrip * rowSamples
    let used = 0
    while (this.pending.length - used >= stripSamples) {
      await this.writeStrip(encoder, this.pending.subarray(used, used + stripSamples))
      used += stripSamples
    }
    this.pending = this.pending.slice(used)
    addTime(this.context.timings, 'tiffEncode', started)
  }

  /** A strip's samples as this file stores them. */
  private samples(strip: RgbImage): Float32Array | Uint16Array | Uint8Array {
    const firstRow = this.rowsReceived
    this.rowsReceived += strip.height
    const { transfer } = this
    const bits = this.context.tiffBits ?? 16
    if (this.format === 'tif32') return transfer ? transfer.toSourceLinear(strip.data, firstRow) : strip.data
    if (!transfer) return toneMapImage(strip, this.context.tonemap, bits)
    // Tone-mapped as the sRGB file would be, then moved to the photo's space and encoded with its curves.
    const rendered = displayLinear(toneMapImage(strip, this.context.tonemap, 16) as Uint16Array)
    return transfer.encode(transfer.toSourceLinear(rendered, firstRow), bits)
  }

  async finish(): Promise<void> {
    const started = performance.now()
    const encoder = await this.open()
    if (this.pending.length > 0) await this.writeStrip(encoder, this.pending)
    if (this.rowsWritten !== this.context.height)
      throw new RangeError(`Expected ${this.context.height} rows but received ${this.rowsWritten}`)
    const { trailer, header } = encoder.finish()
    const handle = this.handle!
    await handle.write(trailer)
    await handle.write(header, 0, header.length, 0)
    await this.close()
    addTime(this.context.timings, 'tiffEncode', started)
  }

  protected override async close(): Promise<void> {
    const handle = this.handle
    this.handle = undefined
    await handle?.close()
  }

  private async open(): Promise<TiffEncoder> {
    if (this.encoder) return this.encoder
    const { width, height, exif, keepGps, sourceColour, tiffBits } = this.context
    const linear = this.format === 'tif32'
    const profile = sourceColour?.profile
    this.encoder = new TiffEncoder({
      width,
      height,
      sampleType: linear ? 'float32' : tiffBits === 8 ? 'uint8' : 'uint16',
      icc: linear
        ? linearIccProfile(profile?.primaries)
        : // The PNG encoder keeps sharp's sRGB profile deflated, as iCCP stores it; TIFF stores it as is.
          (profile?.bytes ?? inflateSync((await srgbIccProfile()).compressed)),
      exif: prepareExif(exif, { keepGps: keepGps ?? false }),
      software: SOFTWARE
    })
    this.claimTemp()
    this.handle = await open(this.tempPath, 'wx')
    await this.handle.write(this.encoder.header())
    return this.encoder
  }

  private async writeStrip(encoder: TiffEncoder, rows: Float32Array | Uint16Array | Uint8Array): Promise<void> {
    const bytes = encoder.encodeStrip(rows)
    encoder.addStrip(bytes.length)
    await this.handle!.write(bytes)
    this.rowsWritten += rows.length / (this.context.width * 3)
  }
}

function concat<T extends Float32Array | Uint16Array | Uint8Array>(a: T, b: T): T {
  if (a.length === 0) return b
  const out = new (a.constructor as new (n: number) => T)(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
