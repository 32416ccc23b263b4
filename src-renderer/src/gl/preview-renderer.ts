import { TONE_OPERATOR_INDEX } from '../../../src-main/engine/imaging/tonemap'
import type { ToneMapSettings } from '../../../src-main/engine/types'
import type { ImageRegion, RegionRect } from '../../../src-preload/contract'
import type { View } from '../lib/zoom'
import { canvasSupportsHdr } from '../lib/hdr-display'
import { FRAGMENT_SHADER, VERTEX_SHADER } from './shaders'

/** What one frame shows. */
export interface Frame {
  view: View
  /** Divider position in canvas device pixels: left of it shows the input. */
  splitX: number
  tonemap: ToneMapSettings
  markClipped: boolean
  /** > 1: draw the HDR view with this headroom (only after `enableHdr` succeeded); 1: SDR. */
  headroom: number
}

/** The GLSL cannot take Infinity through a uniform; ≥ 1e18 means plain Reinhard there. */
const PLAIN_REINHARD_UNIFORM = 1e30

const BACKGROUND = [0.09, 0.09, 0.1] as const

const UNIFORMS = [
  'u_ldr',
  'u_hdr',
  'u_hasHdr',
  'u_before',
  'u_hasBefore',
  'u_detailLdr',
  'u_detailHdr',
  'u_detailBefore',
  'u_hasDetail',
  'u_detailRect',
  'u_imageSize',
  'u_canvasSize',
  'u_scale',
  'u_offset',
  'u_splitX',
  'u_op',
  'u_exposureEv',
  'u_whitePoint',
  'u_gamma',
  'u_markClipped',
  'u_headroom',
  'u_background'
] as const

type UniformName = (typeof UNIFORMS)[number]

/**
 * WebGL2 before/after preview. Holds the LDR input and the HDR result as float textures and
 * tone-maps on every draw, so slider changes never leave the GPU.
 */
export class PreviewRenderer {
  readonly #gl: WebGL2RenderingContext
  readonly #program: WebGLProgram
  readonly #uniforms: Record<UniformName, WebGLUniformLocation | null>
  readonly #ldr: WebGLTexture
  readonly #hdr: WebGLTexture
  readonly #before: WebGLTexture
  /** Full-resolution tiles over `#detailRect` (photo pixels): input, result, linearised input. */
  readonly #detail: [WebGLTexture, WebGLTexture, WebGLTexture]
  readonly #linearFloat: boolean
  #imageWidth = 0
  #imageHeight = 0
  #fullWidth = 0
  #fullHeight = 0
  #hasHdr = false
  #hasBefore = false
  #detailRect: RegionRect | null = null
  #detailHasResult = false
  #hdrBuffer = false
  #bufferSize = ''

  /**
   * @throws Error when WebGL2 is unavailable or the shaders do not compile.
   */
  constructor(canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer lets tests and screenshots read what is on screen after the frame.
    const gl = canvas.getContext('webgl2', { antialias: false, preserveDrawingBuffer: true, premultipliedAlpha: false })
    if (!gl) throw new Error('WebGL2 is not available, so the live preview cannot be shown.')
    this.#gl = gl
    this.#linearFloat = gl.getExtension('OES_texture_float_linear') !== null
    this.#program = link(gl, VERTEX_SHADER, FRAGMENT_SHADER)
    this.#uniforms = Object.fromEntries(UNIFORMS.map((n) => [n, gl.getUniformLocation(this.#program, n)])) as Record<
      UniformName,
      WebGLUniformLocation | null
    >
    this.#ldr = createTexture(gl)
    this.#hdr = createTexture(gl)
    this.#before = createTexture(gl)
    this.#detail = [createTexture(gl), createTexture(gl), createTexture(gl)]
  }

  /**
   * Uploads the input's preview; clears any previous result and tiles. `rgb` is interleaved
   * sRGB-encoded at `width`×`height`; `full` is the photo's own size, the unit views count in.
   */
  setInput(width: number, height: number, rgb: Float32Array, full: { width: number; height: number }): void {
    this.#imageWidth = width
    this.#imageHeight = height
    this.#fullWidth = full.width
    this.#fullHeight = full.height
    this.#hasHdr = false
    this.#hasBefore = false
    this.#detailRect = null
    upload(this.#gl, this.#ldr, width, height, rgb)
  }

  /**
   * Uploads full-resolution tiles covering `rect` (photo pixels); where they lie, frames show them
   * instead of the preview. Tiles without the result are used only while no result is shown.
   */
  setDetail(rect: RegionRect, tiles: readonly ImageRegion[], hasResult: boolean): void {
    const gl = this.#gl
    const layers = hasResult ? 3 : 1
    for (let layer = 0; layer < layers; layer++) {
      gl.bindTexture(gl.TEXTURE_2D, this.#detail[layer])
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB32F, rect.width, rect.height, 0, gl.RGB, gl.FLOAT, null)
      gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1)
      for (const tile of tiles) {
        const data = [tile.ldr, tile.hdr, tile.before][layer]
        if (!data) throw new Error(`Expected a tile with the result at (${tile.x}, ${tile.y})`)
        const [x, y] = [tile.x - rect.x, tile.y - rect.y]
        gl.texSubImage2D(gl.TEXTURE_2D, 0, x, y, tile.width, tile.height, gl.RGB, gl.FLOAT, data)
      }
    }
    this.#detailRect = rect
    this.#detailHasResult = hasResult
  }

  /**
   * Switches the canvas to a half-float, extended-range drawing buffer for the HDR view.
   * @returns false (and nothing changed) where the browser lacks the canvas HDR features.
   */
  enableHdr(): boolean {
    const gl = this.#gl as WebGL2RenderingContext & {
      drawingBufferStorage?(format: number, w: number, h: number): void
    }
    const canvas = gl.canvas as HTMLCanvasElement & { configureHighDynamicRange?(options: { mode: string }): void }
    if (!canvasSupportsHdr(canvas, gl)) return false
    canvas.configureHighDynamicRange?.({ mode: 'extended' })
    this.#hdrBuffer = true
    return true
  }

  clearDetail(): void {
    this.#detailRect = null
  }

  /**
   * Uploads the model's result and the input linearised as the result is (`ConvertedImage.before`),
   * interleaved linear RGB at the input's size; until then "before" is the input through the sRGB curve.
   */
  setResult(width: number, height: number, rgb: Float32Array, before: Float32Array): void {
    if (width !== this.#imageWidth || height !== this.#imageHeight) {
      throw new Error(
        `Expected the result at the input's ${this.#imageWidth}×${this.#imageHeight} but received ${width}×${height}`
      )
    }
    upload(this.#gl, this.#hdr, width, height, rgb)
    upload(this.#gl, this.#before, width, height, before)
    this.#hasHdr = true
    this.#hasBefore = true
  }

  clearResult(): void {
    this.#hasHdr = false
    this.#hasBefore = false
    if (this.#detailHasResult) this.#detailRect = null
  }

  draw(frame: Frame): void {
    const gl = this.#gl
    const u = this.#uniforms
    const { width, height } = gl.canvas
    const hdr = this.#hdrBuffer && frame.headroom > 1
    if (hdr && this.#bufferSize !== `${width}x${height}`) {
      // The half-float buffer is sized once per canvas size; values above 1 survive to the screen.
      ;(gl as unknown as { drawingBufferStorage(f: number, w: number, h: number): void }).drawingBufferStorage(
        gl.RGBA16F,
        width,
        height
      )
      this.#bufferSize = `${width}x${height}`
    }
    gl.viewport(0, 0, width, height)
    gl.useProgram(this.#program)
    // Magnified pixels stay crisp; below 100% linear filtering avoids shimmering. The preview is
    // magnified from its own scale on (it is smaller than the photo); tiles are drawn at ≥ 100 % only.
    const previewScale = (frame.view.scale * this.#imageWidth) / Math.max(1, this.#fullWidth)
    const filter = previewScale >= 1 || !this.#linearFloat ? gl.NEAREST : gl.LINEAR
    for (const [unit, texture] of [this.#ldr, this.#hdr, this.#before, ...this.#detail].entries()) {
      gl.activeTexture(gl.TEXTURE0 + unit)
      gl.bindTexture(gl.TEXTURE_2D, texture)
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, filter)
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, filter)
    }
    const t = frame.tonemap
    gl.uniform1i(u.u_ldr, 0)
    gl.uniform1i(u.u_hdr, 1)
    gl.uniform1i(u.u_hasHdr, this.#hasHdr ? 1 : 0)
    gl.uniform1i(u.u_before, 2)
    gl.uniform1i(u.u_hasBefore, this.#hasBefore ? 1 : 0)
    gl.uniform2f(u.u_imageSize, this.#fullWidth, this.#fullHeight)
    const detail = this.#detailRect && this.#detailHasResult === this.#hasHdr ? this.#detailRect : null
    gl.uniform1i(u.u_detailLdr, 3)
    gl.uniform1i(u.u_detailHdr, 4)
    gl.uniform1i(u.u_detailBefore, 5)
    gl.uniform1i(u.u_hasDetail, detail ? 1 : 0)
    gl.uniform4f(u.u_detailRect, detail?.x ?? 0, detail?.y ?? 0, detail?.width ?? 1, detail?.height ?? 1)
    gl.uniform2f(u.u_canvasSize, width, height)
    gl.uniform1f(u.u_scale, frame.view.scale)
    gl.uniform2f(u.u_offset, frame.view.offsetX, frame.view.offsetY)
    gl.uniform1f(u.u_splitX, frame.splitX)
    gl.uniform1i(u.u_op, TONE_OPERATOR_INDEX[t.operator])
    gl.uniform1f(u.u_exposureEv, t.exposureEv)
    gl.uniform1f(u.u_whitePoint, Number.isFinite(t.whitePoint) ? t.whitePoint : PLAIN_REINHARD_UNIFORM)
    gl.uniform1f(u.u_gamma, t.gamma)
    gl.uniform1i(u.u_markClipped, frame.markClipped ? 1 : 0)
    gl.uniform1f(u.u_headroom, hdr ? frame.headroom : 1)
    gl.uniform3f(u.u_background, ...BACKGROUND)
    gl.drawArrays(gl.TRIANGLES, 0, 3)
  }

  /** Frees the GPU objects; the canvas can then get a new renderer. */
  dispose(): void {
    const gl = this.#gl
    gl.deleteTexture(this.#ldr)
    gl.deleteTexture(this.#hdr)
    gl.deleteTexture(this.#before)
    for (const texture of this.#detail) gl.deleteTexture(texture)
    gl.deleteProgram(this.#program)
  }
}

function createTexture(gl: WebGL2RenderingContext): WebGLTexture {
  const texture = gl.createTexture()
  gl.bindTexture(gl.TEXTURE_2D, texture)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST)
  return texture
}

function upload(
  gl: WebGL2RenderingContext,
  texture: WebGLTexture,
  width: number,
  height: number,
  rgb: Float32Array
): void {
  if (rgb.length !== width * height * 3) {
    throw new Error(`Expected ${width}×${height}×3 = ${width * height * 3} samples but received ${rgb.length}`)
  }
  gl.bindTexture(gl.TEXTURE_2D, texture)
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1)
  // Full float32 keeps HDR highlights and the exact values export tone-maps.
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB32F, width, height, 0, gl.RGB, gl.FLOAT, rgb)
}

function link(gl: WebGL2RenderingContext, vertexSource: string, fragmentSource: string): WebGLProgram {
  const program = gl.createProgram()
  gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, vertexSource))
  gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, fragmentSource))
  gl.linkProgram(program)
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
    throw new Error(`Preview shaders failed to link: ${gl.getProgramInfoLog(program) ?? 'no log'}`)
  }
  return program
}

function compile(gl: WebGL2RenderingContext, type: GLenum, source: string): WebGLShader {
  const shader = gl.createShader(type)
  if (!shader) throw new Error('Could not create a WebGL shader.')
  gl.shaderSource(shader, source)
  gl.compileShader(shader)
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) {
    throw new Error(`Preview shader failed to compile: ${gl.getShaderInfoLog(shader) ?? 'no log'}`)
  }
  return shader
}
