/**
 * An sRGB-encoded input sample at or above this is counted as clipped (254/255 and up): by the
 * preview's clipped fraction (engine host) and the shader that marks clipped pixels (renderer). The
 * tolerance keeps a decoded 254 on the clipped side whatever the float rounding on either side.
 */
export const CLIP_THRESHOLD = 254 / 255 - 1e-6

/**
 * Where the model's blend starts trusting the network over the linearised input, per channel: a
 * sample's weight on the network ramps from 0 at this sRGB value to 1 at clipping (models/README.md).
 */
export const BLEND_RAMP_START = 0.95
