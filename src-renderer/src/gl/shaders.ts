import { CLIP_THRESHOLD } from '../../../src-main/engine/domain/clip'
import { TONE_OPERATOR_INDEX, TONEMAP_GLSL } from '../../../src-main/engine/imaging/tonemap'

export const VERTEX_SHADER = `#version 300 es
// One triangle covering the viewport; the fragment shader does all the geometry.
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
`

/**
 * Left of the divider: the input, linearised (as the result is, once there is one; the sRGB curve
 * before), right: the model's linear HDR; both through `unclipToneMap`, the export's own formulas,
 * so exposure and tone mapping act on both sides alike.
 */
export const FRAGMENT_SHADER = `#version 300 es
precision highp float;
precision highp int;

uniform sampler2D u_ldr;
uniform sampler2D u_hdr;
uniform bool u_hasHdr;
uniform sampler2D u_before;
uniform bool u_hasBefore;
// Full-resolution tiles over u_detailRect (x, y, width, height in photo pixels), used where they lie.
uniform sampler2D u_detailLdr;
uniform sampler2D u_detailHdr;
uniform sampler2D u_detailBefore;
uniform bool u_hasDetail;
uniform vec4 u_detailRect;
uniform vec2 u_imageSize;
uniform vec2 u_canvasSize;
uniform float u_scale;
uniform vec2 u_offset;
uniform float u_splitX;
uniform int u_op;
uniform float u_exposureEv;
uniform float u_whitePoint;
uniform float u_gamma;
uniform bool u_markClipped;
// > 1: the HDR view on an HDR canvas, highlights up to this many times SDR white; 1: the SDR rendering.
uniform float u_headroom;
uniform vec3 u_background;

out vec4 outColor;

${TONEMAP_GLSL}

float srgbDecode(float v) {
  return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

// The HDR view: the SDR rendering's shoulder with its white moved up to the display's headroom, so
// tones below headroom·knee are the radiance itself and only what exceeds the screen is compressed;
// written as extended sRGB (values above 1 are brighter than SDR white on an HDR canvas).
vec3 hdrView(vec3 linearRgb, float exposureEv, float whitePoint, float headroom) {
  vec3 scaled = linearRgb * exp2(exposureEv) / headroom;
  vec3 fitted = unclipToneMap(scaled, ${TONE_OPERATOR_INDEX.highlights}, 0.0, max(1.0, whitePoint / headroom), 1.0);
  vec3 shown = vec3(srgbDecode(fitted.r), srgbDecode(fitted.g), srgbDecode(fitted.b)) * headroom;
  return 1.055 * pow(shown, vec3(1.0 / 2.4)) - 0.055;
}

void main() {
  // Canvas pixels count from the top like the image rows; gl_FragCoord counts from the bottom.
  vec2 canvasPx = vec2(gl_FragCoord.x, u_canvasSize.y - gl_FragCoord.y);
  vec2 imagePx = (canvasPx - u_offset) / u_scale;
  if (imagePx.x < 0.0 || imagePx.y < 0.0 || imagePx.x >= u_imageSize.x || imagePx.y >= u_imageSize.y) {
    outColor = vec4(u_background, 1.0);
    return;
  }
  vec2 uv = imagePx / u_imageSize;
  vec2 detailPx = imagePx - u_detailRect.xy;
  bool detail = u_hasDetail && detailPx.x >= 0.0 && detailPx.y >= 0.0 && detailPx.x < u_detailRect.z &&
    detailPx.y < u_detailRect.w;
  vec2 detailUv = detailPx / u_detailRect.zw;
  vec3 ldr = detail ? texture(u_detailLdr, detailUv).rgb : texture(u_ldr, uv).rgb;
  vec3 linear;
  if (u_hasHdr && canvasPx.x >= u_splitX) {
    linear = detail ? texture(u_detailHdr, detailUv).rgb : texture(u_hdr, uv).rgb;
  } else if (u_hasBefore) {
    linear = detail ? texture(u_detailBefore, detailUv).rgb : texture(u_before, uv).rgb;
  } else {
    linear = vec3(srgbDecode(ldr.r), srgbDecode(ldr.g), srgbDecode(ldr.b));
  }
  vec3 color = u_headroom > 1.0
    ? hdrView(linear, u_exposureEv, u_whitePoint, u_headroom)
    : unclipToneMap(linear, u_op, u_exposureEv, u_whitePoint, u_gamma);
  // Same threshold as the shell's clippedFraction, per channel: the stripes take the colour of the
  // channels that clipped (white where all three did).
  vec3 clipped = step(vec3(${CLIP_THRESHOLD}), ldr);
  if (u_markClipped && max(clipped.r, max(clipped.g, clipped.b)) > 0.0) {
    float stripe = mod(floor((canvasPx.x + canvasPx.y) / 6.0), 2.0);
    vec3 tint = clipped.r + clipped.g + clipped.b > 2.5 ? vec3(1.0, 0.0, 0.6) : clipped;
    color = mix(color, tint, 0.35 + 0.35 * stripe);
  }
  outColor = vec4(color, 1.0);
}
`
