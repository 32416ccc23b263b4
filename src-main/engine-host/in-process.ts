/**
 * The engine host in this process: loads the engine lazily, keeps the last opened images and the
 * current image's prediction in each mode (so export does not recompute), and tracks cancellable jobs.
 * Plain Node — used by tests, the e2e bridge and the utility-process worker.
 */
import { stat } from 'node:fs/promises'
import { PREVIEW_MAX_SIDE, type ConvertedImage, type ImageRegion, type OpenedImage } from '../../src-preload/contract'
import { assertModeAvailable, convertBatch, planBatch } from '../engine/batch/batch'
import type { DecodedPhoto } from '../engine/pipeline/decode'
import { downscaleArea } from '../engine/imaging/resample'
import { createEngine, type Engine, type EngineOptions } from '../engine/pipeline/engine'
import { decodeForModel } from './decode-for-model'
import { UnclipError, untilCancelled } from '../engine/errors'
import { ProtectedFiles } from '../engine/pipeline/writers/file-commit'
import type { WriterContext } from '../engine/pipeline/writers/temp-file-writer'
import type { Mode, RgbImage, Stage } from '../engine/types'
import { createJobRegistry } from './jobs'
import {
  assertMayReplace,
  exportTargets,
  keepBothTargets,
  refuseExisting,
  saveAndReturnPath,
  writeExports
} from './export-writer'
import {
  displayImage,
  predict,
  predictionFromFile,
  sameControls,
  type Prediction,
  type PredictionOptions
} from './prediction'
import { clippedFraction, createBeforeImages, crop, previewSize } from './preview'
import { peakOf } from '../engine/imaging/tonemap'
import { predictPreviewFirst, type PreviewResult } from './preview-result'
import { ImageCache, type CachedImage } from './image-cache'
import type { EngineHost, EngineHostOptions } from './types'

/**
 * Creates an engine host that runs the model in this process.
 * @param options - models folder, model name, provider
 * @example const host = createInProcessEngineHost({ modelsDir: 'test/fixtures/models', model: 'unclip-fixture' })
 */
export function createInProcessEngineHost(options: EngineHostOptions): EngineHost {
  const { stripWorker, ...rest } = options
  let engineOptions: EngineOptions = { ...rest, ...(stripWorker ? { stripWorkers: { entry: stripWorker } } : {}) }
  let engine: Promise<Engine> | undefined
  const jobs = createJobRegistry()
  const cache = new ImageCache(decodeForModel(options.modelsDir, options.model))
  /** Files this host wrote (by identity): the only existing files a later save may replace unasked. */
  const written = new ProtectedFiles()

  const loadEngine = (): Promise<Engine> => {
    engine ??= createEngine(engineOptions).catch((error: unknown) => {
      engine = undefined // a later call retries (e.g. after the model is installed)
      throw error
    })
    return engine
  }

  const decoded = (path: string): Promise<CachedImage> => cache.get(path)

  /**
   * The photo's prediction in `mode`, computed when missing, with the decoded photo it was made from.
   * Low light with other `controls` than the kept result is processed again from its kept model
   * output, without running the model.
   */
  const predictedPhoto = async (
    path: string,
    mode: Mode,
    options: Omit<PredictionOptions, 'source' | 'onSource'> = {}
  ): Promise<{ prediction: Prediction; photo: DecodedPhoto }> => {
    assertModeAvailable(mode)
    const entry = await decoded(path)
    if (mode === 'hdr' && entry.fullHdr) await untilCancelled(entry.fullHdr.done, options.signal)
    const hit = entry.predictions[mode]
    if (hit && (!options.controls || sameControls(hit.controls, options.controls)))
      return { prediction: hit, photo: entry.decoded }
    const prediction = await predict(await loadEngine(), entry.decoded, mode, {
      ...options,
      reduced: entry.decoded.reduced,
      source: mode === 'lowlight' ? entry.lowLightSource : undefined,
      onSource: (source) => (entry.lowLightSource = source)
    })
    cache.forgetOthers(entry)
    entry.predictions[mode] = prediction
    return { prediction, photo: entry.decoded }
  }

  /** What the TIFF writers need to hand a wide-gamut photo back in its own space. */
  const sourceColourOf = (photo: DecodedPhoto): WriterContext['sourceColour'] =>
    photo.sourceColour && { ...photo.sourceColour, input: photo.samples }

  /** Takes a batch's written result as the photo's prediction in `mode`, when it is one (`predictionFromFile`). */
  const adopt = async (path: string, mode: Mode, file: string): Promise<void> => {
    const entry = await decoded(path)
    if (entry.predictions[mode]) return
    const prediction = await predictionFromFile(file, mode, entry.decoded.samples).catch(() => null)
    if (!prediction) return
    cache.forgetOthers(entry)
    entry.predictions[mode] = prediction
  }

  const beforeImage = createBeforeImages()

  /** The photo at preview size, from its samples, made once (`openImage` shows it, the first result uses it). */
  const previewCopy = (entry: CachedImage): RgbImage => {
    const { samples } = entry.decoded
    const size = previewSize(samples.width, samples.height, PREVIEW_MAX_SIDE)
    return (entry.preview ??= downscaleArea(samples, size.width, size.height))
  }

  /**
   * HDR mode's first result at preview size (`predictPreviewFirst`), its full resolution following;
   * undefined where that saves nothing (a result kept or on its way, a photo no larger than its preview).
   */
  const previewFirst = async (
    entry: CachedImage,
    options: { signal: AbortSignal; onProgress: (fraction: number) => void }
  ): Promise<PreviewResult | undefined> => {
    // The samples, not their float copy: the model, the peak and the full resolution read them alike.
    const input = entry.decoded.samples
    if (entry.predictions.hdr || entry.fullHdr) return undefined
    const preview = previewCopy(entry)
    if (preview.width === input.width && preview.height === input.height) return undefined
    const first = await predictPreviewFirst(await loadEngine(), input, preview, {
      ...options,
      reduced: entry.decoded.reduced
    })
    if (!first) return undefined
    cache.forgetOthers(entry)
    cache.expect(entry, first.full)
    return first
  }

  /** The preview-size copies of a full-resolution prediction (computed when missing) and its peak. */
  const previewOfFull = async (
    path: string,
    mode: Mode,
    options: Omit<PredictionOptions, 'source' | 'onSource'>
  ): Promise<Omit<PreviewResult, 'rampLevel'>> => {
    const { prediction, photo } = await predictedPhoto(path, mode, options)
    const shown = displayImage(prediction)
    const size = previewSize(shown.width, shown.height, PREVIEW_MAX_SIDE)
    const before = beforeImage(prediction, photo.samples)
    return {
      hdr: downscaleArea(shown, size.width, size.height),
      before: downscaleArea(before, size.width, size.height),
      // The whole result is at hand: its peak is `ratioPeak`'s (bit for bit), at a pass's cost.
      peak: peakOf(shown.data)
    }
  }

  return {
    info: async () => (await loadEngine()).info,

    async openImage(path): Promise<OpenedImage> {
      const entry = await decoded(path)
      const image = entry.decoded
      // Opened from the samples alone: the float copy is made only when something needs it.
      const { width, height } = image.samples
      const preview = previewCopy(entry)
      return {
        path,
        width,
        height,
        previewWidth: preview.width,
        previewHeight: preview.height,
        ldr: preview.data,
        clippedFraction: clippedFraction(image.samples),
        metadata: {
          format: image.metadata.format,
          hadIccProfile: image.metadata.hadIccProfile,
          hasExif: image.metadata.exif !== undefined
        }
      }
    },

    convertImage(jobId, { path, mode, from, lowLight }, onProgress): Promise<ConvertedImage> {
      return jobs.run(jobId, async (signal) => {
        const report = (stage: Stage, fraction: number): void =>
          onProgress({ index: 0, total: 1, file: path, stage, fraction })
        report('decode', 0)
        const started = performance.now()
        if (from) await adopt(path, mode, from)
        const entry = await decoded(path)
        const toInference = (fraction: number): void => report('inference', fraction)
        const first = mode === 'hdr' ? await previewFirst(entry, { signal, onProgress: toInference }) : undefined
        const shown = first ?? (await previewOfFull(path, mode, { signal, onProgress: report, controls: lowLight }))
        report('done', 1)
        const { width, height } = entry.decoded.samples
        return {
          path,
          mode,
          width,
          height,
          previewWidth: shown.hdr.width,
          previewHeight: shown.hdr.height,
          hdr: shown.hdr.data,
          before: shown.before.data,
          peak: shown.peak,
          timings: { inference: performance.now() - started }
        }
      })
    },

    async readRegion({ path, mode, x, y, width, height }): Promise<ImageRegion> {
      const entry = await decoded(path)
      const input = entry.decoded.samples
      if (x + width > input.width || y + height > input.height) {
        throw new UnclipError(
          'INVALID_ARGUMENT',
          `Expected a region inside the ${input.width}×${input.height} photo but received ${width}×${height} at (${x}, ${y})`
        )
      }
      const region = { x, y, width, height }
      if (mode === 'hdr') await entry.fullHdr?.done
      const prediction = mode ? entry.predictions[mode] : undefined
      if (mode && !prediction)
        throw new UnclipError('INVALID_ARGUMENT', `${path} has no ${mode} result to show; convert it first.`)
      const result = prediction
        ? {
            hdr: crop(displayImage(prediction), region).data,
            before: beforeImage(prediction, input, region).data
          }
        : {}
      return { path, mode, ...region, ldr: crop(input, region).data, ...result }
    },

    async exportImage({ path, formats, tonemap, mode, outDir, overwrite, keepBoth, keepGps, jpegQuality }) {
      const [planned] = await planBatch([path], {
        outDir: outDir ?? '',
        outDirExplicit: outDir !== undefined,
        recursive: false,
        formats
      })
      if (!planned) throw new UnclipError('FILE_NOT_FOUND', `${path} does not exist.`)
      const targets = keepBoth
        ? await keepBothTargets(planned.outputBase, formats)
        : exportTargets(planned.outputBase, formats)
      // Refuse before a (slow) prediction when nothing would be written anyway.
      if (!overwrite) for (const target of targets) await refuseExisting(target.path)
      const { prediction, photo } = await predictedPhoto(path, mode)
      // The photo itself is never an output, whatever path reaches it (planBatch already names
      // around it and the photos beside it; this holds even if the folder changes meanwhile).
      const protect = new ProtectedFiles()
      await protect.add(path)
      // TIFFs keep a wide-gamut photo's colour space, as the CLI writes them.
      const outputs = await writeExports(prediction, targets, {
        tonemap,
        exif: photo.metadata.exif,
        overwrite,
        protect,
        sourceColour: sourceColourOf(photo),
        keepGps,
        jpegQuality
      })
      for (const output of outputs) await written.add(output)
      return { outputs }
    },

    async saveAndReturn({ path, tonemap, mode, confirmReplace, replaceConfirmed, returnHdr }) {
      assertMayReplace(path, confirmReplace, replaceConfirmed)
      const { prediction, photo } = await predictedPhoto(path, mode)
      const output = confirmReplace ? path : saveAndReturnPath(path)
      // This feature's own -unclip.tif (written by this host) is updated by saving again; any other
      // existing file there is replaced only when the user confirmed it.
      const ours = await stat(output).then(
        (stats) => written.has(stats),
        () => false
      )
      // The engine's own TIFF writers and commit: the photo's EXIF, its colour space and (replaced in
      // place) its bit depth come along.
      const overwrite = ours || replaceConfirmed === true
      await writeExports(prediction, [{ format: returnHdr ? 'tif32' : 'tif16', path: output }], {
        tonemap,
        exif: photo.metadata.exif,
        overwrite,
        sourceColour: sourceColourOf(photo),
        tiffBits: confirmReplace && photo.metadata.bitsPerSample === 8 ? 8 : undefined
      })
      await written.add(output)
      return { output }
    },

    startBatch(jobId, request, onProgress) {
      return jobs.run(jobId, async (signal) =>
        convertBatch(await loadEngine(), request.inputs, {
          outDir: request.outDir ?? '',
          outDirExplicit: request.outDir !== undefined,
          formats: request.formats,
          mode: request.mode,
          overwrite: request.overwrite,
          recursive: request.recursive,
          tonemap: request.tonemap,
          autoWhitePoint: request.autoWhitePoint,
          keepGps: request.keepGps,
          jpegQuality: request.jpegQuality,
          startAt: request.startAt,
          signal,
          onProgress
        })
      )
    },

    cancel: (jobId) => jobs.cancel(jobId),

    configure({ provider }) {
      if (provider === engineOptions.provider) return
      engineOptions = { ...engineOptions, provider }
      const previous = engine
      engine = undefined
      // A running job keeps using the old session; it is released with the process then.
      if (jobs.size() === 0) void previous?.then((loaded) => loaded.dispose()).catch(() => undefined)
    },

    async dispose() {
      jobs.cancelAll()
      cache.clear()
      const previous = engine
      engine = undefined
      await previous?.then((loaded) => loaded.dispose()).catch(() => undefined)
    }
  }
}
