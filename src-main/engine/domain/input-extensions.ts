/**
 * Image file extensions Unclip opens: what a folder scan picks up, what the app's Open dialog
 * offers and what `electron-builder.yml` associates with the app (a test checks the YAML against
 * this list). Lower case, without the dot. Explicit file inputs are not filtered.
 */
export const INPUT_EXTENSIONS = ['jpg', 'jpeg', 'png', 'tif', 'tiff', 'webp', 'avif', 'heic', 'heif'] as const

/** The same, with the dot, as `path.extname(...).toLowerCase()` returns them. */
export const SUPPORTED_EXTENSIONS: ReadonlySet<string> = new Set(INPUT_EXTENSIONS.map((ext) => `.${ext}`))
