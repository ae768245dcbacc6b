// Debian's chromium (deploy/local/browser.sh installs it); CHROMIUM_PATH points elsewhere
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// a closed network: without these flags chromium keeps reaching for Google's hosts
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
