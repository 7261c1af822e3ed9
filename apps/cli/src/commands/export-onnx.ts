/**
 * `lxmls export-onnx`: a GPT checkpoint as a model folder that ONNX Runtime and transformers.js load offline:
 * `onnx/model.onnx` (@lxmls/onnx's KV-cache export, with every layer's attention weights as outputs on
 * request), `config.json`, `generation_config.json` and the tokenizer (`tokenizer.json` +
 * `tokenizer_config.json`: the folder's own, else GPT-2's for a GPT-2 vocabulary), written whole or not at all.
 *
 * Follows the layout of the ONNX model folders on the Hugging Face hub (Optimum's `optimum-cli export onnx`
 * for GPT-2 with the past, as transformers.js reads them) through @lxmls/onnx's `exportOnnxFolder`, and
 * @lxmls/hub's atomic folder writer, as `lxmls train --out` writes its folders.
 */

import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { getEncoder, saveTokenizerJson } from '@lxmls/bpe';
import type { GPT } from '@lxmls/gpt';
import { LxmlsHubError, writeFolderAtomic } from '@lxmls/hub';
import { exportOnnxFolder, LxmlsOnnxError } from '@lxmls/onnx';
import { COMMON_OPTIONS } from '../args.js';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { asCliError, loadModel, resolveModelSource } from '../load-model.js';
import { checkOutFolder } from '../write-file.js';

/** GPT-2's vocabulary size: a model with it gets GPT-2's tokenizer when its folder has none. */
const GPT2_VOCAB = 50257;

/** Files of the source folder shipped as they are (the weather task's vocabulary and probabilities). */
const COPIED = ['lxmls.json'];

/**
 * `lxmls export-onnx`: see its help (`lxmls help export-onnx`).
 *
 * @example
 * ```ts
 * import { exportOnnxCommand } from './commands/export-onnx.js';
 * console.log(exportOnnxCommand.name, exportOnnxCommand.optionNames.join(' ')); // → export-onnx model out attentions fp16 opset force refresh json
 * ```
 */
export const exportOnnxCommand = defineCommand({
  name: 'export-onnx',
  summary: 'Export a GPT checkpoint to ONNX, as a folder that ONNX Runtime and transformers.js load',
  usage: 'lxmls export-onnx --model SOURCE -o DIR [--attentions] [--fp16] [--opset 17] [--force] [--json]',
  description: `Writes the GPT of SOURCE as a model folder in the layout of the ONNX models on the Hugging Face hub,
which transformers.js loads from disk with no network (env.allowRemoteModels = false, env.localModelPath
set to DIR's parent, the folder's name as the model id) and ONNX Runtime opens directly:

  DIR/onnx/model.onnx          the model with the KV cache: inputs input_ids, attention_mask, position_ids,
                               past_key_values.N.key/value; outputs logits, present.N.key/value
  DIR/config.json              Hugging Face's GPT-2 config (with transformers.js_config: dtype fp32)
  DIR/generation_config.json
  DIR/tokenizer.json           the source folder's own, or GPT-2's for a model of GPT-2's 50257 tokens
  DIR/tokenizer_config.json    (none for a model without either, such as the weather task's)

The folder is written whole or not at all (a temporary folder, then renamed), as lxmls train --out is.
lxmls generate --backend onnx and lxmls viz --backend onnx run such an export in memory.

SOURCE is what lxmls generate takes: a folder with config.json and model.safetensors, an http(s) URL of
one, a hub id (gpt2, gpt2-medium, gpt2-large, gpt2-xl), or a model shipped in @lxmls/models
(lxmls/weather-nano, lxmls/shakespeare-char, lxmls/gpt2-shakespeare).`,
  options: {
    model: COMMON_OPTIONS.model,
    out: {
      type: 'string',
      value: 'DIR',
      short: 'o',
      required: 'the folder to write the ONNX model folder into',
      help: 'The folder to write (created; its parents too). A folder that holds files is refused unless --force.',
    },
    attentions: {
      type: 'flag',
      help: "Also output every layer's attention weights, attentions.N (batch, heads, T, Tpast + T): what lxmls viz --backend onnx draws, and what transformers.js does not give for GPT-2.",
    },
    fp16: {
      type: 'flag',
      help: 'Store the weights in float16 (half the file); the model casts them and computes in float32.',
    },
    opset: {
      type: 'integer',
      value: 'N',
      min: 17,
      max: 21,
      default: 17,
      help: 'The ONNX opset, 17 to 21 (LayerNormalization needs 17).',
    },
    force: COMMON_OPTIONS.force,
    refresh: COMMON_OPTIONS.refresh,
    json: {
      type: 'flag',
      help: `Print one JSON line instead:
{"out":"DIR","files":[{"path":"onnx/model.onnx","bytes":N},...],"opset":17,
 "dtype":"float32","attentions":false,"seconds":N}
  files    every file written, its path in DIR and its size
  seconds  the export's wall time (loading the model excluded), rounded to 2 decimals`,
    },
  },
  maxPositionals: 0,
  notes: `Exit code 2 with one line on stderr for: a missing --model or -o, every model problem lxmls generate
reports (an unknown id, a missing folder or file, a corrupt checkpoint), a model the exporter cannot write
(its parameters named), a -o folder that holds files (without --force) or cannot be written, a
tokenizer.json that is not one.`,
  examples: [
    'lxmls export-onnx --model gpt2 -o ./gpt2-onnx',
    'lxmls export-onnx --model lxmls/gpt2-shakespeare -o ./onnx-models/gpt2-shakespeare --attentions --fp16',
  ],
  run: async (o, _positionals, { io, out }) => {
    const { model: source, out: dir, opset } = o;
    await checkOutFolder(dir, o.force, '--out'); // before loading: a bad folder fails at once
    const model = await loadModel(source, io.stderr, { refresh: o.refresh });
    try {
      const start = performance.now();
      const dtype = o.fp16 ? 'float16' : 'float32';
      const files = exportOnnxFolder(model, {
        opset,
        dtype,
        attentions: o.attentions,
        ...(await sourceFiles(source, model)),
      });
      await writeFolder(dir, files, o.force);
      const seconds = Math.round((performance.now() - start) / 10) / 100;
      const written = [...files].map(([path, data]) => ({
        path,
        bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength,
      }));
      if (o.json) {
        const record = { out: dir, files: written, opset, dtype, attentions: o.attentions, seconds };
        await out.write(`${JSON.stringify(record)}\n`);
      } else {
        const list = written.map((f) => `  ${f.path} (${formatBytes(f.bytes)})`).join('\n');
        await out.write(
          `wrote ${dir} in ${seconds} s: opset ${opset}, ${dtype} weights, KV cache${o.attentions ? ', attentions' : ''}\n${list}\n`,
        );
      }
    } catch (error) {
      if (LxmlsOnnxError.isInstance(error)) throw new CliError(error.message);
      throw asCliError(error, source);
    } finally {
      model.dispose();
    }
    return 0;
  },
});

/** The tokenizer and the other files that go with the model: the source folder's, or GPT-2's tokenizer. */
async function sourceFiles(
  source: string,
  model: GPT,
): Promise<{ tokenizerJson?: string; files: Record<string, string> }> {
  const folder = resolveModelSource(source);
  const isFolder = existsSync(folder) && (await stat(folder)).isDirectory();
  const read = async (name: string) =>
    isFolder ? await readFile(join(folder, name), 'utf8').catch(() => undefined) : undefined;
  const files: Record<string, string> = {};
  for (const name of COPIED) {
    const text = await read(name);
    if (text !== undefined) files[name] = text;
  }
  const own = await read('tokenizer.json');
  if (own !== undefined) return { tokenizerJson: own, files };
  if (model.config.vocabSize === GPT2_VOCAB) return { tokenizerJson: saveTokenizerJson(getEncoder()), files };
  return { files };
}

/** Writes the folder atomically; a refusal of the file system is one line. */
async function writeFolder(
  dir: string,
  files: Map<string, string | Uint8Array>,
  force: boolean,
): Promise<void> {
  try {
    await writeFolderAtomic(dir, Object.fromEntries(files), { overwrite: force, argument: '--out' });
  } catch (error) {
    if (!LxmlsHubError.isInstance(error)) throw error;
    throw new CliError(`cannot write --out ${dir}: ${error.received ?? error.message}`);
  }
}

/** A size as the listing prints it: `652.3 MB`, `12.4 kB`, `826 B`. */
function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}
