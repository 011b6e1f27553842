// Bundles the extension into dist/. Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: !production,
  logLevel: 'info',
  // `vscode` is provided by the host. ssh2's native helpers are optional: without them
  // ssh2 falls back to pure JavaScript, so they are left out of the bundle.
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
};

/** `require('yaml')` in the extension loads dist/yaml.js, next to it, on first use. */
const yamlBesideTheBundle = {
  name: 'yaml-beside-the-bundle',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: './yaml.js', external: true }));
  },
};

const builds = [
  // The extension itself. The Docker client and the YAML parser live in files of their own
  // (below) so that activation never pays for loading them.
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: [...common.external, './dockerode.js'],
    plugins: [yamlBesideTheBundle],
  },
  { ...common, entryPoints: ['src/docker/dockerode.ts'], outfile: 'dist/dockerode.js' },
  { ...common, stdin: { contents: "module.exports = require('yaml');", resolveDir: import.meta.dirname }, outfile: 'dist/yaml.js' },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
