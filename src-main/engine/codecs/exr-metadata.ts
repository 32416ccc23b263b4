/**
 * The photo's EXIF as OpenEXR header attributes. EXR has no EXIF block, so the fields a
 * photographer looks for become string attributes: OpenEXR's own string attributes where one
 * exists (`owner`, `comments`, `capDate`, and OpenEXR 3.2's `cameraMake`, `cameraModel`,
 * `lensMake`, `lensModel`), `exif`-prefixed names otherwise. The standard numeric attributes
 * (`expTime`, `aperture`, `isoSpeed`, `latitude`…) are typed float, and a string under those
 * names would break readers that ask for them by type, hence the separate names.
 *
 * It reads the EXIF `prepareExif` produced, so what it sees is exactly what the other outputs
 * carry: GPS only when the user kept it.
 */

const TAG = {
  imageDescription: 0x010e,
  make: 0x010f,
  model: 0x0110,
  dateTime: 0x0132,
  artist: 0x013b,
  copyright: 0x8298,
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  exposureTime: 0x829a,
  fNumber: 0x829d,
  iso: 0x8827,
  dateTimeOriginal: 0x9003,
  focalLength: 0x920a,
  lensMake: 0xa433,
  lensModel: 0xa434,
  gpsLatitudeRef: 0x0001,
  gpsLatitude: 0x0002,
  gpsLongitudeRef: 0x0003,
  gpsLongitude: 0x0004,
  gpsAltitudeRef: 0x0005,
  gpsAltitude: 0x0006
} as const

/** A decoded EXIF value: text for ASCII, numbers (rationals divided out) for numeric types. */
type Value = string | number[]
type Ifd = Map<number, Value>

/**
 * EXR string attributes for the metadata in an EXIF block.
 * @param exif `prepareExif`'s result (`Exif\0\0` + TIFF), or undefined.
 * @returns Attribute name → value, only for fields present; `{}` without EXIF or when it cannot
 *   be read (a photo with broken metadata is still exported, just without it).
 * @example encodeExr(image, { attributes: exrAttributesFromExif(prepareExif(raw, { keepGps: false })) })
 */
export function exrAttributesFromExif(exif: Buffer | undefined): Record<string, string> {
  if (!exif) return {}
  let ifds: { ifd0: Ifd; exif: Ifd; gps: Ifd }
  try {
    ifds = readIfds(exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif)
  } catch {
    return {}
  }
  const text = (ifd: Ifd, tag: number): string | undefined => {
    const v = ifd.get(tag)
    return typeof v === 'string' && v !== '' ? v : undefined
  }
  const number = (ifd: Ifd, tag: number): number | undefined => {
    const v = ifd.get(tag)
    return Array.isArray(v) && v.length > 0 && Number.isFinite(v[0]) ? v[0] : undefined
  }
  const out: Record<string, string> = {}
  const set = (name: string, value: string | undefined): void => {
    if (value !== undefined) out[name] = value
  }
  const { ifd0, exif: sub, gps } = ifds
  set('cameraMake', text(ifd0, TAG.make))
  set('cameraModel', text(ifd0, TAG.model))
  set('lensMake', text(sub, TAG.lensMake))
  set('lensModel', text(sub, TAG.lensModel))
  // EXIF's "YYYY:MM:DD hh:mm:ss" is exactly the form OpenEXR specifies for capDate.
  set('capDate', text(sub, TAG.dateTimeOriginal) ?? text(ifd0, TAG.dateTime))
  set('owner', text(ifd0, TAG.copyright) ?? text(ifd0, TAG.artist))
  set('comments', text(ifd0, TAG.imageDescription))
  const exposure = number(sub, TAG.exposureTime)
  if (exposure !== undefined && exposure > 0)
    set('exifExposureTime', exposure < 1 ? `1/${round(1 / exposure, 1)} s` : `${round(exposure, 2)} s`)
  const fNumber = number(sub, TAG.fNumber)
  if (fNumber !== undefined) set('exifFNumber', `f/${round(fNumber, 1)}`)
  const iso = number(sub, TAG.iso)
  if (iso !== undefined) set('exifIsoSpeed', String(iso))
  const focal = number(sub, TAG.focalLength)
  if (focal !== undefined) set('exifFocalLength', `${round(focal, 1)} mm`)
  const latitude = degrees(gps.get(TAG.gpsLatitude), text(gps, TAG.gpsLatitudeRef) === 'S')
  const longitude = degrees(gps.get(TAG.gpsLongitude), text(gps, TAG.gpsLongitudeRef) === 'W')
  if (latitude !== undefined && longitude !== undefined) {
    set('exifGpsLatitude', latitude.toFixed(6))
    set('exifGpsLongitude', longitude.toFixed(6))
  }
  const altitude = number(gps, TAG.gpsAltitude)
  if (altitude !== undefined)
    set('exifGpsAltitude', `${round(number(gps, TAG.gpsAltitudeRef) === 1 ? -altitude : altitude, 1)} m`)
  return out
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals
  return Math.round(value * scale) / scale
}

/** Degrees, minutes, seconds → signed decimal degrees. */
function degrees(value: Value | undefined, negative: boolean): number | undefined {
  if (!Array.isArray(value) || value.length !== 3 || !value.every(Number.isFinite)) return undefined
  const d = value[0] + value[1] / 60 + value[2] / 3600
  return negative ? -d : d
}

/** IFD0 and its Exif and GPS sub-IFDs; out-of-range reads throw RangeError. */
function readIfds(tiff: Buffer): { ifd0: Ifd; exif: Ifd; gps: Ifd } {
  const order = tiff.toString('latin1', 0, 2)
  if (order !== 'II' && order !== 'MM') throw new RangeError('not TIFF')
  const le = order === 'II'
  const u16 = (at: number): number => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at))
  const u32 = (at: number): number => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at))
  const i32 = (at: number): number => (le ? tiff.readInt32LE(at) : tiff.readInt32BE(at))
  const readIfd = (offset: number | undefined): Ifd => {
    const ifd: Ifd = new Map()
    if (offset === undefined) return ifd
    const count = u16(offset)
    for (let k = 0; k < count; k++) {
      const at = offset + 2 + k * 12
      const type = u16(at + 2)
      const n = u32(at + 4)
      const size = ({ 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 10: 8 } as Record<number, number>)[type]
      if (size === undefined) continue
      const start = size * n <= 4 ? at + 8 : u32(at + 8)
      if (start + size * n > tiff.length) continue
      if (type === 2) {
        ifd.set(
          u16(at),
          tiff
            .toString('utf8', start, start + n)
            .replace(/\0[\s\S]*$/, '')
            .trim()
        )
        continue
      }
      const values: number[] = []
      for (let i = 0; i < n; i++) {
        const p = start + i * size
        if (type === 1) values.push(tiff[p])
        else if (type === 3) values.push(u16(p))
        else if (type === 4) values.push(u32(p))
        else if (type === 5) values.push(u32(p) / u32(p + 4))
        else values.push(i32(p) / i32(p + 4))
      }
      ifd.set(u16(at), values)
    }
    return ifd
  }
  const ifd0 = readIfd(u32(4))
  const pointer = (tag: number): number | undefined => {
    const v = ifd0.get(tag)
    return Array.isArray(v) && v.length === 1 ? v[0] : undefined
  }
  return { ifd0, exif: readIfd(pointer(TAG.exifIfd)), gps: readIfd(pointer(TAG.gpsIfd)) }
}
