// js-yaml ships no types and @types/js-yaml is not installed; the test needs only `load`.
declare module 'js-yaml' {
  export function load(text: string): unknown
  const yaml: { load: typeof load }
  export default yaml
}
