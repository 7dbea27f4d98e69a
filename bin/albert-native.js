#!/usr/bin/env node
'use strict';
// The albert-native command; the implementation is lib/cli/main.ts (compiled to dist/cli/).
require('../dist/cli/main.js').main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
