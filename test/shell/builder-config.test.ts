import { existsSync, readFileSync } from 'node:fs'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import viteConfig from '../../electron.vite.config'
import { INPUT_EXTENSIONS } from '../../src-main/engine/domain/input-extensions'

interface BuilderConfig {
  appId: string
  productName: string
  directories: { output: string }
  files: string[]
  asarUnpack: string[]
  extraResources: { from: string; to: string; filter?: string[] }[]
  linux: { target: string[]; icon: string; files: string[] }
  win: { target: string[]; icon: string; files: string[] }
  mac: { target: string[]; icon: string; files: string[] }
  fileAssociations: { ext: string[]; role: string }[]
  electronFuses: Record<string, boolean>
}

const config = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig

describe('electron-builder.yml', () => {
  it('names the app and packages only the build output', () => {
    expect(config.appId).toBe('app.unclip.desktop')
    expect(config.productName).toBe('Unclip')
    expect(config.directories.output).toBe('release')
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']))
  })
  it('associates the app with exactly the image types it opens', () => {
    expect(config.fileAssociations).toHaveLength(1)
    expect([...config.fileAssociations[0].ext].sort()).toEqual([...INPUT_EXTENSIONS].sort())
    expect(config.fileAssociations[0].role).toBe('Viewer')
  })
  it('unpacks the strip worker entry the main build actually emits', () => {
    const main = viteConfig.main as { build: { rollupOptions: { input: Record<string, string> } } }
    const entry = Object.keys(main.build.rollupOptions.input).find((name) => name.includes('strip'))
    expect(config.asarUnpack).toContain(`out/main/${entry}.js`)
  })
  it("unpacks the native addons and the strip worker threads' script from the asar", () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'node_modules/onnxruntime-node/**',
        'node_modules/sharp/**',
        'node_modules/@img/**',
        'out/main/strip-worker.js',
        'out/main/chunks/**'
      ])
    )
  })
  it('ships the Lightroom plug-in and the command-line launchers where the plug-in and the Help menu look', () => {
    expect(config.extraResources).toEqual(
      expect.arrayContaining([
        { from: 'integrations/lightroom/Unclip.lrplugin', to: 'Unclip.lrplugin' },
        { from: 'build/cli', to: 'bin' }
      ])
    )
    expect(readFileSync('src-main/paths.ts', 'utf8')).toContain("join(process.resourcesPath, 'Unclip.lrplugin')")
    const core = readFileSync('integrations/lightroom/Unclip.lrplugin/UnclipCore.lua', 'utf8')
    expect(core).toContain('/Applications/Unclip.app/Contents/Resources/bin/unclip')
    expect(existsSync('build/cli/unclip') && existsSync('build/cli/unclip.cmd')).toBe(true)
  })

  it('ships models beside the asar where paths.ts looks for them', () => {
    const models = config.extraResources.find((r) => r.to === 'models')
    expect(models).toEqual({ from: 'models', to: 'models', filter: ['*.onnx', '*.json'] })
    expect(readFileSync('src-main/paths.ts', 'utf8')).toContain("join(process.resourcesPath, 'models')")
  })
  it('prunes other platforms’ onnxruntime binaries', () => {
    const others = { linux: ['darwin', 'win32'], win: ['darwin', 'linux'], mac: ['linux', 'win32'] } as const
    for (const [platform, excluded] of Object.entries(others)) {
      const files = config[platform as keyof typeof others].files
      for (const os of excluded) expect(files).toContain(`!node_modules/onnxruntime-node/bin/napi-v*/${os}/**`)
    }
  })
  it('builds the usual targets with icons that exist', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.mac.target).toEqual(['dmg'])
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon]) expect(existsSync(icon), icon).toBe(true)
  })
  it('sets the Electron fuses at packaging: no run-as-node, NODE_OPTIONS or inspect; encrypted cookies; checked asar only', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true
    })
    // runAsNode off breaks child_process.fork in the main process: the engine must stay a utility process.
    expect(readFileSync('src-main/index.ts', 'utf8')).toContain('utilityProcess.fork(')
    expect(readFileSync('src-main/index.ts', 'utf8')).not.toMatch(/child_process/)
  })
  it('pins a supported Electron major (the newest three get security fixes)', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> }
    expect(Number(/\^(\d+)\./.exec(manifest.devDependencies.electron)?.[1])).toBeGreaterThanOrEqual(45)
  })
})
