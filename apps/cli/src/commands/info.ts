/**
 * `lxmls info`: what a GPT-2 checkpoint is: the toolkit's parameter line, then its config as Python prints a
 * `CfgNode`, in the order the notebook shows them (In [21]: `model = GPT(model_config)` prints
 * `number of parameters: 0.09M` while it builds the model, then `print(model_config)` the config).
 *
 * Follows `GPT.__init__` (the parameter line, docs/course-behaviour.md §2.7) and minGPT's `CfgNode.__str__` (docs/course-behaviour.md §5).
 */

import { formatConfig } from '@lxmls/gpt';
import type { ParsedArgs } from '../args.js';
import { flag, value } from '../args.js';
import { chooseBackend } from '../backends.js';
import type { CommandContext, LegacyCommand as Command } from '../command.js';
import { CliError } from '../errors.js';
import { loadModel } from '../load-model.js';

const USAGE = `Usage: lxmls info --model SOURCE [--backend B] [--json]

Loads a GPT-2 checkpoint and prints what the toolkit prints about it: first the line GPT(config) prints
while it builds the model (the parameters of model.transformer, without the lm_head, as the toolkit counts
them), then the config as print(model_config) shows it (a CfgNode, snake_case keys, Python values):

  number of parameters: 124.44M
  model_type: gpt2
  n_layer: 12
  ...

SOURCE is a folder with config.json and model.safetensors, an http(s) URL of such a folder, or a hub id
(gpt2, gpt2-medium, gpt2-large, gpt2-xl), downloaded once into the cache, as for lxmls generate (see
lxmls help generate). model_type is the hub id (gpt2, …) for a hub model of that size, as the toolkit's
GPT.from_pretrained sets it, and None for any other checkpoint (its sizes are n_layer, n_head, n_embd).

Options:
  --model SOURCE   The checkpoint (required).
  --backend B      The tensor backend that holds the weights (default wasm): wasm, js, tfjs-wasm, tfjs-cpu.
  --json           Print one JSON line instead:
                   {"config":{"modelType","nLayer","nHead","nEmbd","vocabSize","blockSize","embdPdrop",
                   "residPdrop","attnPdrop","pretrained"},"transformerParameters":N,"totalParameters":N}
                     config                 the same config, with the package's camelCase keys
                     transformerParameters  what the parameter line counts
                     totalParameters        every parameter, the lm_head included
  -h, --help       Show this help.

Exit code 2 with one line on stderr for an unknown model id, a missing folder or file, a truncated or
corrupt model.safetensors, a config.json that does not fit the weights (the key and both shapes named).

Examples:
  lxmls info --model gpt2
  lxmls info --model ./my-gpt2 --json`;

/**
 * `lxmls info`: see its usage text (`lxmls help info`).
 *
 * @example
 * ```ts
 * import { infoCommand } from './commands/info.js';
 * console.log(infoCommand.name, infoCommand.options.map((option) => option.name)); // → info [ 'model', 'backend', 'json' ]
 * ```
 */
export const infoCommand: Command = {
  name: 'info',
  summary: 'Print the parameter count and the config of a GPT-2 checkpoint',
  usage: USAGE,
  options: [{ name: 'model', value: 'SOURCE' }, { name: 'backend', value: 'B' }, { name: 'json' }],
  run: info,
};

async function info(args: ParsedArgs, { io, out }: CommandContext): Promise<number> {
  if (args.positionals.length > 0)
    throw new CliError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const source = value(args, 'model');
  if (source === undefined || source === '')
    throw new CliError('missing --model SOURCE: a folder, a URL or a hub id such as gpt2');
  await chooseBackend(value(args, 'backend'));
  const model = await loadModel(source, io.stderr);
  try {
    if (flag(args, 'json')) {
      const record = {
        config: { ...model.config },
        transformerParameters: model.numTransformerParameters(),
        totalParameters: model.numParameters(),
      };
      await out.write(`${JSON.stringify(record)}\n`);
    } else await out.write(`${model.parameterCountLine()}\n${formatConfig(model.config)}`);
  } finally {
    model.dispose();
  }
  return 0;
}
