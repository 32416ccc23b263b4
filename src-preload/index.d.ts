import type { Api } from './contract'

declare global {
  interface Window {
    /** The preload's bridge; see `src-preload/contract.ts`. */
    unclip: Api
  }
}

export {}
