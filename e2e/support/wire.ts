/**
 * The e2e bridge's wire format. Playwright passes binding arguments as JSON, which would turn a
 * preview's Float32Array into millions of numbers; typed arrays travel as base64 instead. Pure
 * and dependency-free: it is bundled into the page as well as imported by the test.
 */

type TypedName = 'Float32Array' | 'Uint8Array' | 'Uint16Array'
type Typed = Float32Array | Uint8Array | Uint16Array

interface EncodedTyped {
  __typed: TypedName
  base64: string
}

/** Replaces typed arrays (at any depth) by `{ __typed, base64 }`. */
export function encodeWire(value: unknown): unknown {
  const typed = typedName(value)
  if (typed) return { __typed: typed, base64: toBase64(bytesOf(value as Typed)) }
  if (Array.isArray(value)) return value.map(encodeWire)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeWire(v)]))
  }
  return value
}

/** Inverse of `encodeWire`. */
export function decodeWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeWire)
  if (value && typeof value === 'object') {
    const maybe = value as Partial<EncodedTyped>
    if (typeof maybe.__typed === 'string' && typeof maybe.base64 === 'string')
      return fromBytes(maybe.__typed, fromBase64(maybe.base64))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeWire(v)]))
  }
  return value
}

function typedName(value: unknown): TypedName | null {
  if (value instanceof Float32Array) return 'Float32Array'
  if (value instanceof Uint16Array) return 'Uint16Array'
  // Node's Buffer is a Uint8Array too, which is what IPC would deliver it as.
  if (value instanceof Uint8Array) return 'Uint8Array'
  return null
}

function bytesOf(value: Typed): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
}

function fromBytes(name: TypedName, bytes: Uint8Array): Typed {
  // A fresh, aligned buffer: base64 decoding gives no alignment guarantee for Float32Array views.
  const copy = new Uint8Array(bytes.byteLength)
  copy.set(bytes)
  if (name === 'Float32Array') return new Float32Array(copy.buffer)
  if (name === 'Uint16Array') return new Uint16Array(copy.buffer)
  return copy
}

const CHUNK = 0x8000

function toBase64(bytes: Uint8Array): string {
  const g = globalThis as { Buffer?: { from(b: Uint8Array): { toString(enc: string): string } } }
  if (g.Buffer) return g.Buffer.from(bytes).toString('base64')
  let binary = ''
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  return btoa(binary)
}

function fromBase64(base64: string): Uint8Array {
  const g = globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }
  if (g.Buffer) return new Uint8Array(g.Buffer.from(base64, 'base64'))
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
