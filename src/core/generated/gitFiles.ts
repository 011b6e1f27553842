import { mergeGitignore, type RenderedFile } from '../scaffold/files';
import { escapeGitignore } from '../scaffold/names';

/** The .gitignore rule that keeps a folder's .env, with its secrets, out of version control. */
export function ignoreEnvFile(folder: string): RenderedFile {
  return { path: '.gitignore', content: mergeGitignore(undefined, [`/${escapeGitignore(folder)}/.env`]), merge: 'gitignore' };
}

/**
 * .gitattributes rules that keep `patterns` (from the root) with LF line endings: sh in the
 * container fails on CRLF, which a Windows checkout (core.autocrlf) would produce.
 */
export function lfLineEndings(scripts: string, patterns: readonly string[]): RenderedFile {
  return { path: '.gitattributes', content: `# ${scripts} run in Linux: LF line endings in every checkout\n${patterns.map((pattern) => `/${pattern} text eol=lf`).join('\n')}\n`, merge: 'lines' };
}
