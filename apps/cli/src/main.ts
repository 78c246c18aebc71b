import 'reflect-metadata';
import { runCli } from './cli';

/** `npx dh-mqtt ...` (and `dh-mqtt` in the gateway image): the operator command line. */
void runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
}).then((code) => {
  process.exitCode = code;
});
