/**
 * The preview's tone curve against the export's: `TONEMAP_GLSL` compiled and run by Chromium's
 * WebGL2 (SwiftShader, as in the app walk) on sample radiances, compared with `toneMapPixel`.
 * Drift between the two pipelines, in any step or constant, fails here.
 */
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TONEMAP_GLSL, TONE_OPERATOR_INDEX, toneMapPixel } from '../src-main/engine/imaging/tonemap'
import type { ToneMapSettings } from '../src-main/engine/types'
import { CHROMIUM_ARGS } from './support/browser-app'
import { findChromium } from './support/chromium'

const CHROMIUM = findChromium()
/** float32 on the GPU against float64 here: far below one 8-bit step (1/255 ≈ 0.0039). */
const TOLERANCE = 2e-4
/** What the preview passes for an infinite white point (`preview-renderer.ts`): uniforms cannot carry Infinity. */
const INFINITE_WHITE_UNIFORM = 1e30

const SETTINGS: ToneMapSettings[] = [
  { operator: 'reinhard', exposureEv: 0, whitePoint: 4, gamma: 1 },
  { operator: 'reinhard', exposureEv: 1.5, whitePoint: 1, gamma: 2.2 },
  { operator: 'reinhard', exposureEv: -2, whitePoint: Infinity, gamma: 0.5 },
  { operator: 'reinhard', exposureEv: 0.3, whitePoint: 16, gamma: 1.3 },
  { operator: 'exposure', exposureEv: 0, whitePoint: 4, gamma: 1 },
  { operator: 'exposure', exposureEv: -1, whitePoint: Infinity, gamma: 2.2 },
  { operator: 'highlights', exposureEv: 0, whitePoint: 40, gamma: 1 },
  { operator: 'highlights', exposureEv: 1.2, whitePoint: 1, gamma: 1.3 },
  { operator: 'highlights', exposureEv: -0.7, whitePoint: Infinity, gamma: 1 }
]

/** Radiance triples from black through the sRGB toe to far above white, greys and saturated colours. */
function samples(): number[][] {
  const levels = [0, 1e-4, 0.002, 0.0031308, 0.01, 0.05, 0.18, 0.5, 0.9, 1, 1.5, 3, 8, 40]
  const out = levels.map((v) => [v, v, v])
  let seed = 12345
  const next = (): number => levels[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % levels.length]
  for (let i = 0; i < 120; i++) out.push([next(), next(), next()])
  out.push([-0.5, 0.2, 0.1], [0.3, -1, 0])
  return out
}

/** Runs in the page: draws one pixel per sample through `unclipToneMap` into a float target. */
const RUN_SHADER = `({ glsl, inputs, cases }) => {
  const gl = document.createElement('canvas').getContext('webgl2')
  if (!gl) throw new Error('no WebGL2')
  if (!gl.getExtension('EXT_color_buffer_float')) throw new Error('no float render targets')
  const compile = (type, source) => {
    const shader = gl.createShader(type)
    gl.shaderSource(shader, source)
    gl.compileShader(shader)
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(shader))
    return shader
  }
  const program = gl.createProgram()
  gl.attachShader(program, compile(gl.VERTEX_SHADER, \`#version 300 es
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}\`))
  gl.attachShader(program, compile(gl.FRAGMENT_SHADER, \`#version 300 es
precision highp float;
precision highp int;
uniform sampler2D u_in;
uniform int u_op;
uniform float u_exposureEv;
uniform float u_whitePoint;
uniform float u_gamma;
out vec4 outColor;
\${glsl}
void main() {
  vec3 rgb = texelFetch(u_in, ivec2(gl_FragCoord.xy), 0).rgb;
  outColor = vec4(unclipToneMap(rgb, u_op, u_exposureEv, u_whitePoint, u_gamma), 1.0);
}\`))
  gl.linkProgram(program)
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(program))
  gl.useProgram(program)
  const n = inputs.length / 4
  const texture = (data) => {
    const t = gl.createTexture()
    gl.bindTexture(gl.TEXTURE_2D, t)
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST)
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST)
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32F, n, 1, 0, gl.RGBA, gl.FLOAT, data)
    return t
  }
  const target = texture(null)
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer())
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, target, 0)
  gl.bindTexture(gl.TEXTURE_2D, texture(new Float32Array(inputs)))
  gl.viewport(0, 0, n, 1)
  const at = (name) => gl.getUniformLocation(program, name)
  return cases.map((c) => {
    gl.uniform1i(at('u_op'), c.op)
    gl.uniform1f(at('u_exposureEv'), c.exposureEv)
    gl.uniform1f(at('u_whitePoint'), c.whitePoint)
    gl.uniform1f(at('u_gamma'), c.gamma)
    gl.drawArrays(gl.TRIANGLES, 0, 3)
    const out = new Float32Array(4 * n)
    gl.readPixels(0, 0, n, 1, gl.RGBA, gl.FLOAT, out)
    return Array.from(out)
  })
}`

describe.skipIf(!CHROMIUM)('TONEMAP_GLSL in Chromium (skipped when no Chromium is found: set CHROMIUM_PATH)', () => {
  let browser: Browser

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('maps every sample as toneMapPixel does, for each operator, exposure, white point and gamma', async () => {
    const page = await browser.newPage()
    const pixels = samples()
    const cases = SETTINGS.map((s) => ({
      op: TONE_OPERATOR_INDEX[s.operator],
      exposureEv: s.exposureEv,
      whitePoint: Number.isFinite(s.whitePoint) ? s.whitePoint : INFINITE_WHITE_UNIFORM,
      gamma: s.gamma
    }))
    const args = { glsl: TONEMAP_GLSL, inputs: pixels.flatMap((p) => [...p, 1]), cases }
    const results = (await page.evaluate(`(${RUN_SHADER})(${JSON.stringify(args)})`)) as number[][]
    SETTINGS.forEach((settings, k) => {
      let worst = { error: 0, at: '' }
      pixels.forEach(([r, g, b], i) => {
        const expected = toneMapPixel(r, g, b, settings)
        for (let c = 0; c < 3; c++) {
          const error = Math.abs(results[k][4 * i + c] - expected[c])
          if (error > worst.error) worst = { error, at: `rgb ${r} ${g} ${b}, channel ${c}` }
        }
      })
      expect(worst.error, `${JSON.stringify(settings)} at ${worst.at}`).toBeLessThan(TOLERANCE)
    })
    await page.close()
  })
})
