// Reads deploy/node-flags (Node's flags for every service process) for the scripts that start services.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/** The flags in deploy/node-flags: one per line, `#` comments and blank lines left out. */
function nodeFlags(file = join(__dirname, 'node-flags')) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
}

module.exports = { nodeFlags };
