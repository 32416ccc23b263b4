/** `--help` texts; kept beside the parser's option table in args.ts, which they must match. */

const ENGINE_FLAGS = `  --model NAME        model to load from the models folder (default: the product model)
  --models-dir DIR    folder holding <model>.onnx and <model>.json (default: the app's models/)
  --ep NAME           execution provider to try first: cuda, dml, coreml, webgpu or cpu
                      (falls back to cpu with the reason shown by 'unclip info')`

export const MAIN_HELP = `Usage: unclip <command> [options]

Turn ordinary photos into HDR images.

Commands:
  convert <files or folders...>   convert photos to .hdr, EXR, Ultra HDR JPEG, PNG or JPEG
  info                            show the model and execution provider in use

Options:
  -h, --help      show help ('unclip convert --help' for a command's options)
  -v, --version   show the version
`

export const CONVERT_HELP = `Usage: unclip convert <files or folders...> [options]

Folders contribute their jpg, jpeg, png, tif, tiff, webp, avif, heic and heif files.
Outputs go to unclip/ inside each folder (beside a single file) unless -o is given.
Existing outputs are never replaced without --overwrite; those photos are reported as skipped.

Options:
  -o, --out DIR       output folder (the folder tree is mirrored under it with --recursive)
  -f, --format LIST   comma-separated (default: hdr,png):
                        hdr      Radiance .hdr
                        exr      OpenEXR, half float, ZIP (.exr)
                        jpg-hdr  Ultra HDR gain-map JPEG (-ultrahdr.jpg)
                        png      tone-mapped 8-bit PNG
                        png16    tone-mapped 16-bit PNG (-16bit.png)
                        jpg      tone-mapped JPEG
                      exr and jpg-hdr hold the whole image in memory: at most 100 MP
  -m, --mode MODE     hdr or lowlight (default: hdr)
  -r, --recursive     include sub-folders
      --overwrite     replace existing outputs
      --keep-gps      keep the photo's GPS location in the outputs' metadata
                      (camera, lens, exposure and date are always kept)
      --json          print one JSON object per line: progress events, then a summary
${ENGINE_FLAGS}
  -h, --help          show this help

Exit status: 0 when every photo was converted; 1 when any failed or was skipped,
or nothing could be converted; 2 for a mistake in the command line; 130 when
interrupted (Ctrl+C), which stops within a second and leaves no partial files.
`

export const INFO_HELP = `Usage: unclip info [options]

Prints JSON: the model's name and version, the execution providers available,
the one chosen and why any others were not.

Options:
${ENGINE_FLAGS}
  -h, --help          show this help
`
