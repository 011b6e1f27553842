import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LANGUAGE_IDS, REPO, loadGrammars, readFixture, readManifest } from './fixtures/grammar/textmate';

// Fixtures: mix-release-init/ is what `mix release.init` (Elixir 1.14) writes to rel/, verbatim;
// the others are customized the way releases usually are (all of them render with EEx, and erl
// accepts the rendered vm.args).

const VM_ARGS = 'source.erlang-vm-args';
const SHELL_EEX = 'source.shell.eex';
const ELIXIR_ID = LANGUAGE_IDS.get('elixir');

const grammars = loadGrammars();
const tokenize = (scopeName: string, fixture: string) => grammars.tokenize(scopeName, readFixture(fixture), fixture);

/** VS Code's choice of language by file name: `filenames`, then `filenamePatterns` (on the base name). */
function languageFor(fileName: string): string | undefined {
  const languages = readManifest().contributes.languages ?? [];
  const exact = languages.find((language) => language.filenames?.includes(fileName));
  if (exact) return exact.id;
  const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return languages.find((language) => language.filenamePatterns?.some((pattern) => glob(pattern).test(fileName)))?.id;
}

describe('grammars: package.json', () => {
  it('associates the release files of mix with the vm.args and shell EEx languages', () => {
    assert.equal(languageFor('vm.args'), 'erlang-vm-args');
    assert.equal(languageFor('vm.args.eex'), 'erlang-vm-args');
    assert.equal(languageFor('remote.vm.args.eex'), 'erlang-vm-args');
    assert.equal(languageFor('vm.args.src'), 'erlang-vm-args');
    assert.equal(languageFor('prod.vm.args'), 'erlang-vm-args');
    assert.equal(languageFor('env.sh.eex'), 'shellscript-eex');
    assert.equal(languageFor('post_start.sh.eex'), 'shellscript-eex');
    assert.equal(languageFor('env.bat.eex'), undefined);
    assert.equal(languageFor('vm.args.bak'), undefined);
    assert.equal(languageFor('index.html.eex'), undefined);
  });

  it('points each language and grammar at a file under syntaxes/, which .vscodeignore ships', () => {
    const { languages = [], grammars: contributed = [] } = readManifest().contributes;
    const ours = languages.filter((language) => ['erlang-vm-args', 'shellscript-eex'].includes(language.id));
    assert.equal(ours.length, 2);
    for (const language of ours) {
      const file = language.configuration;
      assert.ok(file !== undefined && file.startsWith('./syntaxes/'), `${language.id}: configuration ${String(file)}`);
      const configuration = JSON.parse(fs.readFileSync(path.join(REPO, file), 'utf8')) as { comments?: { lineComment?: string }; brackets?: string[][] };
      assert.equal(configuration.comments?.lineComment, '#');
      assert.ok(configuration.brackets?.some(([open, close]) => open === '<%' && close === '%>'), `${language.id}: <% %> is a bracket pair`);
    }
    const scopeNames = contributed.map((grammar) => grammar.scopeName);
    for (const scopeName of [VM_ARGS, SHELL_EEX, 'source.eex-tags']) {
      const grammar = contributed.find((candidate) => candidate.scopeName === scopeName);
      assert.ok(grammar, `package.json contributes ${scopeName}; it has ${scopeNames.join(', ')}`);
      assert.ok(grammar.path.startsWith('./syntaxes/'), grammar.path);
      const raw = JSON.parse(fs.readFileSync(path.join(REPO, grammar.path), 'utf8')) as { scopeName?: string };
      assert.equal(raw.scopeName, scopeName);
      assert.deepEqual(grammar.embeddedLanguages, { 'meta.embedded.block.elixir': 'elixir' });
    }
    const ignore = fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8').split('\n').map((line) => line.trim());
    assert.ok(ignore.includes('!syntaxes/**'), '.vscodeignore ships syntaxes/');
  });
});

describe('grammars: vm.args', () => {
  it('scopes -name and its node name, -setcookie and its cookie', async () => {
    const doc = await tokenize(VM_ARGS, 'vm.args');
    doc.assertScope('-name hello_phoenix@', '-name', 'keyword.other.flag.erlang-vm-args');
    doc.assertScope('-name hello_phoenix@', 'hello_phoenix@127.0.0.1', 'string.unquoted.node-name.erlang-vm-args');
    doc.assertScope('-name hello_phoenix@', '@', 'punctuation.separator.host.erlang-vm-args');
    doc.assertScope('-setcookie', '-setcookie', 'keyword.other.flag.erlang-vm-args');
    doc.assertScope('-setcookie', '8gX3kSFrNvLmW2qq', 'string.unquoted.cookie.erlang-vm-args');
  });

  it('scopes emulator flags and their values: +K true, +A 64, +sbwt none', async () => {
    const plain = await tokenize(VM_ARGS, 'vm.args');
    plain.assertScope('+K true', '+K', 'keyword.other.flag.emulator.erlang-vm-args');
    plain.assertScope('+K true', 'true', 'constant.language.boolean.erlang-vm-args');
    plain.assertScope('+A 64', '+A', 'keyword.other.flag.emulator.erlang-vm-args');
    plain.assertScope('+A 64', '64', 'constant.numeric.integer.erlang-vm-args');
    const template = await tokenize(VM_ARGS, 'vm.args.eex');
    template.assertScope('+sbwt none', '+sbwt', 'keyword.other.flag.emulator.erlang-vm-args');
    template.assertScope('+sbwt none', 'none', 'string.unquoted.argument.erlang-vm-args');
    template.assertScope('+Q 65536', '65536', 'constant.numeric.integer.erlang-vm-args');
  });

  it('scopes -env VAR value, -heart, -boot, -mode embedded', async () => {
    const doc = await tokenize(VM_ARGS, 'vm.args');
    doc.assertScope('-env ERL_MAX_PORTS', '-env', 'keyword.other.flag.erlang-vm-args');
    doc.assertScope('-env ERL_MAX_PORTS', 'ERL_MAX_PORTS', 'variable.other.env.erlang-vm-args');
    doc.assertScope('-env ERL_MAX_PORTS', '4096', 'string.unquoted.env-value.erlang-vm-args');
    doc.assertScope('-heart', '-heart', 'keyword.other.flag.erlang-vm-args');
    doc.assertScope('-boot', '-boot', 'keyword.other.flag.erlang-vm-args');
    doc.assertScope('-boot', 'start_sasl', 'string.unquoted.argument.erlang-vm-args');
    doc.assertScope('-mode', '-mode', 'keyword.other.flag.erlang-vm-args');
    doc.assertScope('-mode', 'embedded', 'constant.language.mode.erlang-vm-args');
  });

  it('scopes -kernel application parameters and their values', async () => {
    const doc = await tokenize(VM_ARGS, 'vm.args.eex');
    const line = '-kernel inet_dist_listen_min';
    doc.assertScope(line, '-kernel', 'keyword.other.flag.application.erlang-vm-args');
    doc.assertScope(line, 'inet_dist_listen_min', 'variable.parameter.application.erlang-vm-args');
    doc.assertScope(line, '9100', 'constant.numeric.integer.erlang-vm-args');
    doc.assertScope(line, 'inet_dist_listen_max', 'variable.parameter.application.erlang-vm-args');
    doc.assertScope(line, '9155', 'constant.numeric.integer.erlang-vm-args');
  });

  it('scopes ## comments, commented-out flags included, as comments and not as flags', async () => {
    const doc = await tokenize(VM_ARGS, 'mix-release-init/vm.args.eex');
    doc.assertScope('## Customize', '## Customize flags given to the VM: https://www.erlang.org/doc/man/erl.html', 'comment.line.number-sign.erlang-vm-args');
    doc.assertScope('## Customize', '##', 'punctuation.definition.comment.erlang-vm-args');
    doc.assertScope('##+Q', '##+Q 65536', 'comment.line.number-sign.erlang-vm-args');
    doc.assertNoScope('##+Q', '+Q', 'keyword');
    doc.assertScope('##-env', '##-env ERL_FULLSWEEP_AFTER 10', 'comment.line.number-sign.erlang-vm-args');
    doc.assertNoScope('##-env', 'ERL_FULLSWEEP_AFTER', 'variable');
    // Each line of mix's templates is a comment or empty.
    const remote = await tokenize(VM_ARGS, 'mix-release-init/remote.vm.args.eex');
    for (const line of remote.lines.filter((candidate) => candidate.text !== '')) {
      remote.assertScope(line.text, line.text, 'comment.line.number-sign.erlang-vm-args');
    }
  });
});

describe('grammars: EEx tags in vm.args.eex', () => {
  it('scopes <%# %> as a comment and <%= %> / <% %> as delimiters around Elixir', async () => {
    const doc = await tokenize(VM_ARGS, 'vm.args.eex');
    doc.assertScope('<%# Restart', '<%# Restart the VM when it stops answering, in daemon mode only %>', 'comment.block.eex');
    doc.assertScope('<%# Restart', '<%#', 'punctuation.definition.comment.begin.eex');
    doc.assertScope('<%# Restart', '%>', 'punctuation.definition.comment.end.eex');
    doc.assertScope('<%= if', '<%=', 'punctuation.section.embedded.begin.eex');
    doc.assertScope('<%= if', ' if @release.options[:heart] do ', 'meta.embedded.block.elixir');
    doc.assertScope('<%= if', 'if', 'keyword.control.elixir');
    doc.assertScope('<%= if', '@release', 'variable.other.readwrite.module.elixir');
    doc.assertScope('<%= if', ':heart', 'constant.other.symbol.elixir');
    doc.assertScope('<%= if', 'do', 'keyword.control.elixir');
    doc.assertScope('<%= if', '%>', 'punctuation.section.embedded.end.eex');
    // The flag between the tags is vm.args again.
    doc.assertScope('-heart', '-heart', 'keyword.other.flag.erlang-vm-args');
    doc.assertScope('<% end %>', '<%', 'punctuation.section.embedded.begin.eex');
    doc.assertScope('<% end %>', 'end', 'keyword.control.elixir');
  });

  it('keeps a tag inside a node name, a cookie and a comment part of them', async () => {
    const doc = await tokenize(VM_ARGS, 'remote.vm.args.eex');
    doc.assertScope('-sname', 'remsh_<%= @release.name %>', 'string.unquoted.node-name.erlang-vm-args');
    doc.assertScope('-sname', '<%=', 'punctuation.section.embedded.begin.eex');
    doc.assertScope('-sname', ' @release.name ', 'meta.embedded.block.elixir');
    doc.assertScope('-setcookie', '<%= @release.options[:cookie] %>', 'string.unquoted.cookie.erlang-vm-args');
    doc.assertScope('-setcookie', ':cookie', 'constant.other.symbol.elixir');
    doc.assertScope('-setcookie', '%>', 'punctuation.section.embedded.end.eex');
    doc.assertScope('## Flags for', '<%= @release.name %>', 'comment.line.number-sign.erlang-vm-args', { exact: false });
    doc.assertScope('## Flags for', ' @release.name ', 'meta.embedded.block.elixir');
    doc.assertScope('+sbwt', '+sbwt', 'keyword.other.flag.emulator.erlang-vm-args');
  });

  it('gives the inside of a tag the elixir language, for comments, brackets and snippets', async () => {
    const doc = await tokenize(VM_ARGS, 'remote.vm.args.eex');
    assert.equal(doc.languageAt('-sname', '@release'), ELIXIR_ID);
    assert.equal(doc.languageAt('-sname', '-sname'), LANGUAGE_IDS.get('erlang-vm-args'));
    assert.equal(doc.languageAt('-sname', '<%='), LANGUAGE_IDS.get('erlang-vm-args'));
  });
});

describe('grammars: env.sh.eex', () => {
  it('is shell: case/esac, variables, export and assignments', async () => {
    const doc = await tokenize(SHELL_EEX, 'env.sh.eex');
    doc.assertScope('#!/bin/sh', '#!', 'punctuation.definition.comment.shebang.shell');
    doc.assertScope('case $RELEASE_COMMAND in', 'case', 'keyword.control.case.shell');
    doc.assertScope('case $RELEASE_COMMAND in', '$RELEASE_COMMAND', 'variable.other.normal.shell');
    doc.assertScope('case $RELEASE_COMMAND in', 'in', 'keyword.control.in.shell');
    doc.assertScope('esac', 'esac', 'keyword.control.esac.shell');
    doc.assertScope('HEART_COMMAND=', '"$RELEASE_ROOT/bin/$RELEASE_NAME $RELEASE_COMMAND"', 'string.quoted.double.shell');
    doc.assertScope('export RELEASE_DISTRIBUTION=name', 'export', 'storage.modifier.export.shell');
    doc.assertScope('export RELEASE_DISTRIBUTION=name', 'RELEASE_DISTRIBUTION', 'variable.other.assignment.shell');
    doc.assertScope('if [ -f', 'if', 'keyword.control.if.shell');
    doc.assertScope('fi', 'fi', 'keyword.control.fi.shell');
  });

  it('scopes the tag in RELEASE_NODE=<%= @release.name %>@$(hostname -i) and the shell after it', async () => {
    const doc = await tokenize(SHELL_EEX, 'env.sh.eex');
    const line = 'export RELEASE_NODE=';
    doc.assertScope(line, 'RELEASE_NODE', 'variable.other.assignment.shell');
    doc.assertScope(line, '<%=', 'punctuation.section.embedded.begin.eex');
    doc.assertScope(line, ' @release.name ', 'meta.embedded.block.elixir');
    doc.assertScope(line, '@release', 'variable.other.readwrite.module.elixir');
    doc.assertScope(line, '%>', 'punctuation.section.embedded.end.eex');
    doc.assertScope(line, '$(', 'punctuation.definition.subshell.single.shell');
    doc.assertScope(line, 'hostname', 'entity.name.command.shell');
    assert.equal(doc.languageAt(line, '@release'), ELIXIR_ID);
    assert.equal(doc.languageAt(line, 'hostname'), LANGUAGE_IDS.get('shellscript-eex'));
    doc.assertScope('<%# The cookie', '<%# The cookie comes from a secret that the orchestrator mounts %>', 'comment.block.eex');
  });

  it('scopes tags inside shell comments, as in the env.sh.eex of mix release.init', async () => {
    const doc = await tokenize(SHELL_EEX, 'mix-release-init/env.sh.eex');
    const line = '# export RELEASE_NODE=';
    doc.assertScope(line, '# export RELEASE_NODE=<%= @release.name %>', 'comment.line.number-sign.shell');
    doc.assertScope(line, '#', 'punctuation.definition.comment.shell');
    doc.assertScope(line, '<%=', 'punctuation.section.embedded.begin.eex');
    doc.assertScope(line, ' @release.name ', 'meta.embedded.block.elixir');
    doc.assertScope(line, '%>', 'punctuation.section.embedded.end.eex');
    doc.assertScope('# case $RELEASE_COMMAND in', '# case $RELEASE_COMMAND in', 'comment.line.number-sign.shell');
    doc.assertNoScope('# case $RELEASE_COMMAND in', 'case', 'keyword');
  });

  it('scopes tags inside quotes and heredocs, <%% %> quotations and <%!-- --%> comments', async () => {
    const doc = await grammars.tokenize(
      SHELL_EEX,
      [
        'export RELEASE_NODE="<%= @release.name %>@${POD_IP}"',
        "echo '<%= @release.version %>'",
        'cat > "$RELEASE_TMP/vm.args" <<EOF',
        '-setcookie <%= @release.options[:cookie] %>',
        'EOF',
        'echo <%% not a tag %>',
        '<%!-- two lines',
        'of comment --%>',
        'echo done',
      ].join('\n'),
      'inline',
    );
    doc.assertScope('RELEASE_NODE="', '"<%= @release.name %>@${POD_IP}"', 'string.quoted.double.shell');
    doc.assertScope('RELEASE_NODE="', ' @release.name ', 'meta.embedded.block.elixir');
    doc.assertScope('RELEASE_NODE="', 'POD_IP', 'variable.other.normal.shell');
    doc.assertScope("echo '<%=", ' @release.version ', 'meta.embedded.block.elixir');
    doc.assertScope('-setcookie <%=', '<%=', 'punctuation.section.embedded.begin.eex');
    doc.assertScope('-setcookie <%=', ':cookie', 'constant.other.symbol.elixir');
    doc.assertScope('<%% not', '<%% not a tag %>', 'meta.quotation.eex');
    doc.assertNoScope('<%% not', ' not a tag ', 'meta.embedded');
    doc.assertScope('<%!--', '<%!--', 'punctuation.definition.comment.begin.eex');
    doc.assertScope('of comment --%>', 'of comment --%>', 'comment.block.eex');
    doc.assertScope('echo done', 'echo', 'support.function.builtin.shell');
  });

  it('matches brackets in the shell but not the ) of a case pattern', async () => {
    const doc = await tokenize(SHELL_EEX, 'env.sh.eex');
    assert.equal(doc.isBalancedBracketAt('daemon*)', ')'), false);
    assert.equal(doc.isBalancedBracketAt('export RELEASE_NODE=', '$('), true);
    assert.equal(doc.isBalancedBracketAt('export RELEASE_NODE=', ')'), true);
  });
});

describe('grammars: without an Elixir extension', () => {
  const bare = loadGrammars({ without: ['source.elixir'] });

  it('still scopes the tags of vm.args.eex, their Elixir region and @assigns', async () => {
    const doc = await bare.tokenize(VM_ARGS, readFixture('remote.vm.args.eex'), 'remote.vm.args.eex');
    doc.assertScope('-sname', '<%=', 'punctuation.section.embedded.begin.eex');
    doc.assertScope('-sname', ' @release.name ', 'meta.embedded.block.elixir');
    doc.assertScope('-sname', '@release', 'variable.other.readwrite.module.elixir');
    doc.assertScope('-sname', '%>', 'punctuation.section.embedded.end.eex');
    doc.assertScope('-sname', 'remsh_<%= @release.name %>', 'string.unquoted.node-name.erlang-vm-args');
    doc.assertScope('-setcookie', ' @release.options[:cookie] ', 'meta.embedded.block.elixir');
    assert.equal(doc.languageAt('-setcookie', '@release'), ELIXIR_ID);
  });

  it('still scopes the tags of env.sh.eex', async () => {
    const doc = await bare.tokenize(SHELL_EEX, readFixture('env.sh.eex'), 'env.sh.eex');
    const line = 'export RELEASE_NODE=';
    doc.assertScope(line, '<%=', 'punctuation.section.embedded.begin.eex');
    doc.assertScope(line, ' @release.name ', 'meta.embedded.block.elixir');
    doc.assertScope(line, '%>', 'punctuation.section.embedded.end.eex');
    doc.assertScope(line, 'hostname', 'entity.name.command.shell');
    doc.assertScope('<%# The cookie', '<%#', 'punctuation.definition.comment.begin.eex');
  });
});
