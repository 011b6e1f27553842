#!/usr/bin/env node
// `npm start`: makes the machine ready (Docker engine, compose, Elixir, the offline Elixir base
// and PostgreSQL images, code-server), packages the extension, installs it into a real VS Code
// (code-server), and opens a copy of the sample Phoenix project in it. Prints the URL and runs
// until Ctrl+C.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBaseImage } from './baseImage.mjs';
import { installExtension, startCodeServer } from './codeServer.mjs';
import { ensurePostgresImage } from './postgresImage.mjs';
import { tagImagesForProject } from './projectImages.mjs';
import { cacheDir, provision } from './provision.mjs';
import { REPO } from './workspace.mjs';

const log = (message) => console.log(`[start] ${message}`);

const ready = await provision({ log });
if (ready.missing.length > 0) {
  log(`not ready:\n  ${ready.missing.join('\n  ')}`);
  process.exit(1);
}
await ensureBaseImage({ log });
// The database of a scaffolded Ecto project.
await ensurePostgresImage({ log });

log('compiling and packaging the extension');
execFileSync('npm', ['run', '--silent', 'compile'], { cwd: REPO, stdio: 'inherit' });
execFileSync('npm', ['run', '--silent', 'package'], { cwd: REPO, stdio: 'inherit' });

// A persistent copy, so what you scaffold there is still there next time. It is shaped as
// `mix phx.new` writes a project by default, with Ecto and Postgres (config/dev.exs binds the
// endpoint to 127.0.0.1 and the Repo to localhost), in a path with a space, and comes up with
// Enter alone: "Phoenix: Start Dev Container", then Enter at each question.
const home = join(cacheDir(), 'demo');
const project = join(home, 'sample projects', 'hello_ecto');
if (!existsSync(project)) {
  await mkdir(join(home, 'sample projects'), { recursive: true });
  await cp(join(REPO, 'test', 'fixtures', 'hello_ecto'), project, { recursive: true });
}
// No registry is reachable here: the images the scaffolded Dockerfile names come from the local base image.
await tagImagesForProject(project);
const extensionsDir = join(home, 'extensions');
await installExtension(join(REPO, 'dist', 'phoenix-dev-containers.vsix'), extensionsDir, { log });
const server = await startCodeServer({ folder: project, extensionsDir, userDataDir: join(home, 'user-data'), log });

log(`VS Code with Phoenix Dev Containers is ready: ${server.url}/?folder=${encodeURIComponent(project)}`);
log('Press Ctrl+C to stop.');
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await server.exited;
