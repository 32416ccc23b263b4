import { describe, expect, it } from 'vitest'
import { parseCommand, UsageError } from './args'

function usageMessage(argv: string[]): string {
  try {
    parseCommand(argv)
  } catch (error) {
    if (error instanceof UsageError) return error.message
    throw error
  }
  throw new Error(`parseCommand(${argv.join(' ')}) did not throw`)
}

describe('parseCommand', () => {
  it('fills in convert defaults: hdr,png, hdr mode, nothing overwritten', () => {
    expect(parseCommand(['convert', 'a.jpg', 'shots'])).toEqual({
      name: 'convert',
      args: {
        inputs: ['a.jpg', 'shots'],
        outDir: undefined,
        formats: ['hdr', 'png'],
        mode: 'hdr',
        recursive: false,
        overwrite: false,
        inPlace: false,
        keepGps: false,
        whitePoint: 'auto',
        json: false,
        model: undefined,
        modelsDir: undefined,
        provider: undefined
      }
    })
  })

  it('reads every convert option, short and long', () => {
    const command = parseCommand([
      'convert',
      'x',
      '-o',
      'out',
      '--format',
      'HDR, png16,EXR,jpg-hdr,jpg',
      '-m',
      'lowlight',
      '-r',
      '--overwrite',
      '--keep-gps',
      '--white-point',
      '12.5',
      '--ep',
      'cuda',
      '--model',
      'm',
      '--models-dir',
      'dir',
      '--json'
    ])
    expect(command).toEqual({
      name: 'convert',
      args: {
        inputs: ['x'],
        outDir: 'out',
        formats: ['hdr', 'png16', 'exr', 'jpg-hdr', 'jpg'],
        mode: 'lowlight',
        recursive: true,
        overwrite: true,
        inPlace: false,
        keepGps: true,
        whitePoint: 12.5,
        json: true,
        model: 'm',
        modelsDir: 'dir',
        provider: 'cuda'
      }
    })
  })

  it('takes --white-point auto or a level within the slider range, and names a bad one', () => {
    const white = (value: string) => {
      const command = parseCommand(['convert', 'x', '--white-point', value])
      return command.name === 'convert' ? command.args.whitePoint : undefined
    }
    expect(white('auto')).toBe('auto')
    expect(white('1')).toBe(1)
    expect(white('64')).toBe(64)
    for (const bad of ['0.5', '65', 'bright', '', 'Infinity'])
      expect(() => white(bad)).toThrow(/--white-point; expected auto or a number from 1 to 64/)
  })

  it('takes --in-place with tif16 by default, or tif32', () => {
    const parsed = (argv: string[]) => {
      const command = parseCommand(argv)
      if (command.name !== 'convert') throw new Error('expected convert')
      return [command.args.inPlace, command.args.formats]
    }
    expect(parsed(['convert', 'a.tif', '--in-place'])).toEqual([true, ['tif16']])
    expect(parsed(['convert', 'a.tif', '--in-place', '-f', 'tif32'])).toEqual([true, ['tif32']])
  })

  it('answers help and version', () => {
    expect(parseCommand([])).toEqual({ name: 'help', topic: undefined })
    expect(parseCommand(['--help'])).toEqual({ name: 'help', topic: undefined })
    expect(parseCommand(['convert', '--help'])).toEqual({ name: 'help', topic: 'convert' })
    expect(parseCommand(['info', '-h'])).toEqual({ name: 'help', topic: 'info' })
    expect(parseCommand(['help', 'convert'])).toEqual({ name: 'help', topic: 'convert' })
    expect(parseCommand(['--version'])).toEqual({ name: 'version' })
  })

  it('parses info with engine options only', () => {
    expect(parseCommand(['info', '--ep', 'cpu'])).toEqual({
      name: 'info',
      args: { model: undefined, modelsDir: undefined, provider: 'cpu' }
    })
  })

  it('rejects mistakes with precise messages', () => {
    expect(usageMessage(['frob'])).toBe("Unknown command 'frob'; expected convert or info")
    expect(usageMessage(['--frob'])).toBe("Unknown option '--frob'; expected a command first (convert or info)")
    expect(usageMessage(['convert'])).toBe('Expected at least one file or folder to convert')
    expect(usageMessage(['convert', 'a', '--bogus'])).toBe("Unknown option '--bogus'")
    expect(usageMessage(['convert', 'a', '--format', 'jpeg'])).toBe(
      "Invalid value 'jpeg' for --format; expected one of hdr, png, png16, exr, jpg, jpg-hdr, tif16, tif32"
    )
    expect(usageMessage(['convert', 'a', '--format', 'png,png'])).toBe('Format listed twice in --format png,png')
    expect(usageMessage(['convert', 'a', '--mode', 'night'])).toBe(
      "Invalid value 'night' for --mode; expected one of hdr, lowlight"
    )
    expect(usageMessage(['convert', 'a', '--ep', 'gpu'])).toBe(
      "Invalid value 'gpu' for --ep; expected one of cuda, dml, coreml, webgpu, cpu"
    )
    expect(usageMessage(['convert', 'a', '-o', ' '])).toBe('Expected a value for --out')
    expect(usageMessage(['info', 'a.jpg'])).toBe("Unexpected argument 'a.jpg'; info takes no files")
  })
})
