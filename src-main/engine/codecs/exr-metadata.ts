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
import { ifdPointer, ifdValue, openTiff, stripExifHeader, type IfdEntry } from './tiff-ifd'

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
    ifds = readIfds(stripExifHeader(exif))
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

/** IFD0 and its Exif and GPS sub-IFDs, values decoded; out-of-range reads throw RangeError. */
function readIfds(tiff: Buffer): { ifd0: Ifd; exif: Ifd; gps: Ifd } {
  const reader = openTiff(tiff)
  if (!reader) throw new RangeError('not TIFF')
  const { littleEndian: le, readIfd } = reader
  const decode = (entries: IfdEntry[]): Ifd => {
    const ifd: Ifd = new Map()
    for (const entry of entries) {
      const value = ifdValue(entry, le)
      if (value !== undefined) ifd.set(entry.tag, value)
    }
    return ifd
  }
  const sub = (offset: number | undefined): Ifd => (offset === undefined ? new Map() : decode(readIfd(offset)))
  const ifd0 = readIfd(reader.firstIfd)
  return {
    ifd0: decode(ifd0),
    exif: sub(ifdPointer(ifd0, TAG.exifIfd, le)),
    gps: sub(ifdPointer(ifd0, TAG.gpsIfd, le))
  }
}
