/**
 * `lxmls info`: what a GPT-2 checkpoint is: the toolkit's parameter line, then its config as Python prints a
 * `CfgNode`, in the order the notebook shows them (In [21]: `model = GPT(model_config)` prints
 * `number of parameters: 0.09M` while it builds the model, then `print(model_config)` the config). It takes
 * every model `lxmls viz` takes: a BERT (lxmls/bert-mini, a BERT folder) gets the same parameter line and
 * its config.json's sizes.
 *
 * Follows `GPT.__init__` (the parameter line, docs/course-behaviour.md §2.7) and minGPT's `CfgNode.__str__` (docs/course-behaviour.md §5).
 */

import { pythonStr, snakeCase } from '@lxmls/base';
import type { LoadedBert } from '@lxmls/bert';
import { formatConfig } from '@lxmls/gpt';
import { COMMON_OPTIONS } from '../args.js';
import { chooseBackend } from '../backends.js';
import { defineCommand } from '../command.js';
import type { Output } from '../io.js';
import { disposeVizModel, loadVizModel } from '../viz-model.js';

/**
 * `lxmls info`: see its help (`lxmls help info`).
 *
 * @example
 * ```ts
 * import { infoCommand } from './commands/info.js';
 * console.log(infoCommand.name, infoCommand.optionNames); // → info [ 'model', 'backend', 'refresh', 'json' ]
 * ```
 */
export const infoCommand = defineCommand({
  name: 'info',
  summary: 'Print the parameter count and the config of a GPT-2 checkpoint or a BERT',
  usage: 'lxmls info --model SOURCE [--backend B] [--json]',
  description: `Loads a GPT-2 checkpoint and prints what the toolkit prints about it: first the line GPT(config) prints
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
A model of @lxmls/models (lxmls/weather-nano, lxmls/shakespeare-char, lxmls/gpt2-shakespeare) is read
offline. A BERT, as lxmls viz reads it (lxmls/bert-mini, or a folder whose config.json says BERT), prints
its encoder's parameter line and its config.json's keys:

  number of parameters: 4.40M
  model_type: bert
  vocab_size: 30522
  ...`,
  options: {
    model: COMMON_OPTIONS.model,
    backend: COMMON_OPTIONS.backend,
    refresh: COMMON_OPTIONS.refresh,
    json: {
      type: 'flag',
      help: `Print one JSON line instead:
{"config":{"modelType","nLayer","nHead","nEmbd","vocabSize","blockSize","embdPdrop",
"residPdrop","attnPdrop","pretrained"},"transformerParameters":N,"totalParameters":N}
  config                 the same config, with the package's camelCase keys
  transformerParameters  what the parameter line counts
  totalParameters        every parameter, the lm_head included
A BERT: {"config":{"modelType":"bert","vocabSize",…,"padTokenId"},"totalParameters":N}.`,
    },
  },
  maxPositionals: 0,
  notes: `Exit code 2 with one line on stderr for an unknown model id, a missing folder or file, a truncated or
corrupt model.safetensors, a config.json that does not fit the weights (the key and both shapes named).`,
  examples: ['lxmls info --model gpt2', 'lxmls info --model ./my-gpt2 --json'],
  run: async (o, _positionals, { io, out }) => {
    await chooseBackend(o.backend);
    const loaded = await loadVizModel(o.model, io.stderr, { refresh: o.refresh });
    if (loaded.kind === 'bert') {
      try {
        await bertInfo(loaded.bert, o.json, out);
      } finally {
        disposeVizModel(loaded);
      }
      return 0;
    }
    const model = loaded.gpt;
    try {
      if (o.json) {
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
  },
});

/** A BERT's parameter line (its encoder's parameters, as the GPT line counts the transformer's) and config. */
async function bertInfo({ model }: LoadedBert, json: boolean, out: Output): Promise<void> {
  const config = { modelType: 'bert', ...model.config };
  const parameters = model.numParameters();
  if (json) {
    await out.write(`${JSON.stringify({ config, totalParameters: parameters })}\n`);
    return;
  }
  const lines = Object.entries(config).map(([key, value]) => `${snakeCase(key)}: ${pythonStr(value)}`);
  await out.write(`number of parameters: ${(parameters / 1e6).toFixed(2)}M\n${lines.join('\n')}\n`);
}
