/**
 * Text from the file system (names, error messages naming files) made safe for a terminal: a file
 * named with escape sequences could otherwise retitle the terminal, recolour or erase its output.
 */

/** C0 controls, DEL, C1 controls (0x9b is a one-byte CSI) and the bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * Shows every control character as a visible escape (`\x1b`, `\u202e`), leaving the rest as it is.
 * @example printable('a\x1b]0;owned\x07.jpg') // 'a\\x1b]0;owned\\x07.jpg'
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0)
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}

/**
 * `JSON.stringify` for a terminal: JSON already escapes C0 controls; DEL, C1 and bidirectional
 * controls are escaped too (still valid JSON, the same string once parsed).
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}
