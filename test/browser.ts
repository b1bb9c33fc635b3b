// The headless browser the browser tests drive: Debian's chromium (npm test's pretest installs it)
// through playwright-core, which downloads nothing. NALSM_CHROMIUM points at another binary.
export const CHROMIUM = process.env.NALSM_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
