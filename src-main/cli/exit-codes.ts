/** `unclip`'s exit statuses, documented in `unclip convert --help`. */
export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2
/** As shells report a SIGINT death: 128 + 2. */
export const EXIT_INTERRUPTED = 130
