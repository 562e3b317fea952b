#!/usr/bin/env node
/** The `qwilt-keys` command (package.json `bin`). */
import { processIo } from "./io";
import { main } from "./main";

main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
