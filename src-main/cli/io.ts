/** The streams a command writes to; the process's own in production. */
export interface CliIo {
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
}
