/** Writing a scaffold's rendered files into a project without losing anything of the user's. */
import { byteString, planWrite, stringBytes, type RenderedFile, type WritePlan } from '../core/scaffold';
import { appendToFile, checkWritablePath, createFile, createNumbered, readWritable, replaceFile, restrictToOwner } from './projectFiles';

export type ConflictChoice = 'keep' | 'overwrite' | 'alongside';
export type Conflict = Extract<WritePlan, { action: 'conflict' }>;

/** What happened to each rendered file: paths relative to the project root, as written, kept or saved aside. */
export interface WriteOutcome {
  readonly written: string[];
  readonly unchanged: string[];
  readonly kept: string[];
  readonly backups: string[];
  readonly alongside: string[];
  /** Files that hold a secret but that other users of this machine can read (their permissions could not be narrowed). */
  readonly readableSecrets: { readonly path: string; readonly mode: number }[];
}

/** A file that changes again each time it is about to be written is left alone after this many tries. */
const MAX_ATTEMPTS = 3;

/**
 * Writes rendered files into the project folder `root`, never losing one of the user's: a file
 * that exists and differs goes to `resolveConflict` (keep it, overwrite it after a byte copy to
 * .bak, or write the new one alongside); merged files (.env, ignore files) only get lines
 * appended. Each file is read again when it is written, so what the user changed while a
 * question was open is kept, and new files are created exclusively. Nothing is written through
 * a symbolic link or outside `root`: such a path stops the whole write before anything changes.
 */
export async function writeRenderedFiles(root: string, files: readonly RenderedFile[], resolveConflict: (conflict: Conflict) => Promise<ConflictChoice>): Promise<WriteOutcome> {
  for (const file of files) await checkWritablePath(root, file.path);
  const outcome: WriteOutcome = { written: [], unchanged: [], kept: [], backups: [], alongside: [], readableSecrets: [] };
  for (const file of files) {
    await settle(root, file, resolveConflict, outcome);
    if (holdsSecret(file) && process.platform !== 'win32') {
      const mode = await restrictToOwner(root, file.path).catch(() => undefined);
      if (mode !== undefined && (mode & 0o077) !== 0) outcome.readableSecrets.push({ path: file.path, mode });
    }
  }
  return outcome;
}

async function settle(root: string, file: RenderedFile, resolveConflict: (conflict: Conflict) => Promise<ConflictChoice>, outcome: WriteOutcome): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const now = await readWritable(root, file.path);
    const plan = planWrite(file, now && byteString(now.bytes));
    switch (plan.action) {
      case 'unchanged':
        outcome.unchanged.push(plan.path);
        return;
      case 'create':
        // Created by someone else since it was read: planned again as an existing file.
        if (!(await createFile(root, plan.path, Buffer.from(plan.content, 'utf8'), plan.mode))) continue;
        outcome.written.push(plan.path);
        return;
      case 'update':
        await appendToFile(root, plan.path, stringBytes(plan.content.slice(plan.oldContent.length)));
        outcome.written.push(plan.path);
        return;
      case 'conflict': {
        const choice = await resolveConflict(plan);
        if (choice === 'keep') {
          outcome.kept.push(plan.path);
          return;
        }
        if (choice === 'alongside') {
          outcome.alongside.push(await createNumbered(root, `${plan.path}.new`, Buffer.from(plan.content, 'utf8'), plan.mode));
          return;
        }
        // The backup holds the file as it is now, with whatever the user changed while asked.
        const backup = await replaceFile(root, plan.path, Buffer.from(plan.content, 'utf8'), plan.mode).catch((error: unknown) => {
          if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 'gone' as const;
          throw error;
        });
        if (backup === 'gone') continue;
        if (backup === undefined) {
          outcome.unchanged.push(plan.path);
        } else {
          outcome.backups.push(backup);
          outcome.written.push(plan.path);
        }
        return;
      }
    }
  }
  throw new Error(`${file.path} kept changing while the scaffold was writing it, so it was left as it is; scaffold again once nothing else writes it.`);
}

/** A file whose mode lets only its owner read it (.env) holds a secret. */
function holdsSecret(file: RenderedFile): boolean {
  return file.mode !== undefined && (file.mode & 0o077) === 0;
}
