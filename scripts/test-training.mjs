// Runs the PyTorch training tests when a Python with torch is available, and says clearly why not
// otherwise, so `npm test` works on machines set up only for the app.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const python = process.env.UNCLIP_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3')
const probe = spawnSync(python, ['-c', 'import torch, onnx, cv2, skimage, pytest'], { encoding: 'utf8' })
if (probe.status !== 0) {
  const strict = process.env.CI === 'true'
  console.log(`training tests skipped: ${python} lacks torch/onnx/opencv/scikit-image/pytest (see training/README.md).`)
  process.exit(strict ? 1 : 0)
}
const result = spawnSync(python, ['-m', 'pytest', 'training/tests', '-q', '-p', 'no:cacheprovider'], {
  stdio: 'inherit'
})
process.exit(result.status ?? 1)
