// Tests of @lxmls/course's Python → TypeScript name table (PYTHON_TO_TYPESCRIPT), which `lxmls demo` prints and
// the docs site renders: every TypeScript name in it is a real export of the package it names (a value export
// at run time, a type export in the package's src/index.ts), or a method, static or field of one, or a JavaScript
// built-in. The CLI depends on every package the table names, so the check lives here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as attention from '@lxmls/attention';
import * as bert from '@lxmls/bert';
import * as bpe from '@lxmls/bpe';
import { type NameEntry, namesFor, notebookSection, PYTHON_TO_TYPESCRIPT } from '@lxmls/course';
import * as gpt from '@lxmls/gpt';
import * as nn from '@lxmls/nn';
import * as tensorPackage from '@lxmls/tensor';
import * as trainer from '@lxmls/trainer';
import * as viz from '@lxmls/viz';
import * as weatherData from '@lxmls/weather-data';
import { describe, expect, test } from 'vitest';

const PACKAGES: Record<string, Record<string, unknown>> = {
  '@lxmls/attention': attention,
  '@lxmls/bert': bert,
  '@lxmls/bpe': bpe,
  '@lxmls/gpt': gpt,
  '@lxmls/nn': nn,
  '@lxmls/tensor': tensorPackage,
  '@lxmls/trainer': trainer,
  '@lxmls/viz': viz,
  '@lxmls/weather-data': weatherData,
};

/** The text of a package's src/index.ts, where its type exports are listed. */
function indexSource(module: string): string {
  const dir = module.replace('@lxmls/', '');
  return moduleSource(new URL(`../../../../packages/${dir}/src/index.ts`, import.meta.url));
}

/** A module's text followed by that of every module it re-exports whole (`export * from './core.js'`). */
function moduleSource(url: URL): string {
  const source = readFileSync(fileURLToPath(url), 'utf8');
  const reexported = [...source.matchAll(/^export \* from '(\.[^']+)\.js';/gm)].map((m) =>
    moduleSource(new URL(`${m[1]}.ts`, url)),
  );
  return [source, ...reexported].join('\n');
}

/** A value of each type (or class) whose fields the table names, built small. */
function instanceOf(name: string): object {
  tensorPackage.manualSeed(0);
  switch (name) {
    case 'Tensor':
      return tensorPackage.tensor([1, 2]);
    case 'EncodeWork':
      return bpe.getEncoder().encodeAndShowWork('a b');
    case 'EncodePart':
      return bpe.getEncoder().encodeAndShowWork('a b').parts[0]!;
    case 'GPTConfig':
      return gpt.GPT.getDefaultConfig();
    case 'TrainerConfig':
      return trainer.Trainer.getDefaultConfig();
    case 'Trainer': {
      const dataset = new weatherData.WeatherDataset('train', { proba: weatherData.FIXED_PROBA, seed: 0 });
      const model = new gpt.GPT({
        ...gpt.GPT.getDefaultConfig(),
        modelType: 'gpt-nano',
        vocabSize: dataset.getVocabSize(),
        blockSize: dataset.getBlockSize(),
      });
      return new trainer.Trainer({ ...trainer.Trainer.getDefaultConfig(), maxIters: 1 }, model, dataset);
    }
    case 'BertModelOutput': {
      const model = new bert.BertModel({
        vocabSize: 8,
        hiddenSize: 4,
        numHiddenLayers: 1,
        numAttentionHeads: 2,
        intermediateSize: 8,
        maxPositionEmbeddings: 8,
      });
      return model.forward({ inputIds: [[1, 2, 3]], outputAttentions: true });
    }
    default:
      throw new Error(`no instance of ${name} in this test: add one`);
  }
}

/** Whether an export is a type of the package: `type Name` or `Name` inside an `export type { … }`. */
function isTypeExport(module: string, name: string): boolean {
  const source = indexSource(module);
  const typeList = [...source.matchAll(/export type \{([^}]*)\}/g)].some((m) =>
    new RegExp(`\\b${name}\\b`).test(m[1]!),
  );
  return typeList || new RegExp(`\\btype ${name}\\b`).test(source);
}

function describeEntry(entry: NameEntry): string {
  return `${entry.python} → ${entry.typescript} (${entry.module} ${entry.name}${entry.member ? `#${entry.member}` : ''})`;
}

describe('PYTHON_TO_TYPESCRIPT', () => {
  test.each(PYTHON_TO_TYPESCRIPT.map((entry) => [describeEntry(entry), entry] as const))(
    'PYTHON_TO_TYPESCRIPT: %s exists',
    (_, entry) => {
      if (entry.kind === 'builtin') {
        expect(entry.module).toBe('JavaScript');
        const value = entry.name
          .split('.')
          .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], globalThis);
        expect(value).toBeDefined();
        return;
      }
      const module = PACKAGES[entry.module];
      expect(module, entry.module).toBeDefined();
      const exported = module![entry.name];
      if (entry.kind === 'value' || entry.kind === 'method' || entry.kind === 'static')
        expect(exported, `${entry.name} is not a value export of ${entry.module}`).toBeDefined();
      else expect(exported !== undefined || isTypeExport(entry.module, entry.name), entry.name).toBe(true);
      if (entry.kind === 'value') {
        expect(entry.member).toBeUndefined();
        return;
      }
      const member = entry.member!;
      expect(member).toBeTypeOf('string');
      if (entry.kind === 'method') {
        const prototype = (exported as { prototype: object }).prototype;
        expect(member in prototype, `${entry.name}.prototype.${member}`).toBe(true);
      } else if (entry.kind === 'static') {
        expect(typeof (exported as Record<string, unknown>)[member], `${entry.name}.${member}`).toBe(
          'function',
        );
      } else {
        expect(member in instanceOf(entry.name), `${entry.name} value's ${member}`).toBe(true);
      }
    },
  );

  test('PYTHON_TO_TYPESCRIPT has the names the exercises need, with the TypeScript the packages use', () => {
    const typescript = (python: string) =>
      PYTHON_TO_TYPESCRIPT.find((entry) => entry.python === python)?.typescript;
    expect(typescript('torch.matmul(a, b)')).toBe('matmul(a, b)');
    expect(typescript('x.transpose(-2, -1)')).toBe('x.transpose(-2, -1)  (or transpose(x, -2, -1))');
    expect(typescript('F.softmax(x, dim=-1)')).toBe('softmax(x, -1)');
    expect(typescript("x.masked_fill(mask == 0, float('-inf'))")).toBe(
      'maskedFill(x, sub(1, mask), -Infinity)',
    );
    expect(typescript('x.view(B, T, nh, hs)')).toBe('x.view([B, T, nh, hs])');
    expect(typescript("GPT.from_pretrained('gpt2')")).toBe("await GPT.fromPretrained('gpt2')");
    expect(typescript('encoder.encode_and_show_work(text)')).toBe('encoder.encodeAndShowWork(text)');
    expect(typescript('model.prompt_topK("Barack Obama, the", 50, 3)')).toBe(
      "model.promptTopK('Barack Obama, the', 50, 3)",
    );
    expect(typescript('random.seed(42); set_seed(42)')).toBe('manualSeed(42)');
    expect(typescript("BertTokenizer.from_pretrained('bert-base-uncased')")).toBe(
      '(await loadBertFolder(dir)).tokenizer',
    );
    expect(typescript('head_view(outputs.attentions, tokens=tokens)')).toBe(
      'headView(element, attentionForViz(model, tokenizer, text))',
    );
    expect(typescript("trainer.set_callback('on_batch_end', fn)")).toBe(
      "trainer.setCallback('on_batch_end', fn)",
    );
  });

  test.each(['1', '2.1', '2.2', '2.4', '3.1', '3.2'])(
    'namesFor(%s): every exercise that has code has names, each row naming a section of the notebook',
    (id) => {
      expect(notebookSection(id).blocks.some((block) => block.kind === 'cell')).toBe(true);
      expect(namesFor(id).length).toBeGreaterThan(3);
      for (const entry of namesFor(id)) for (const exercise of entry.exercises) notebookSection(exercise);
    },
  );
});
