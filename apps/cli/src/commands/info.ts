/**
 * `lxmls info`: what a GPT-2 checkpoint is: the toolkit's parameter line, then its config as Python prints a
 * `CfgNode`, in the order the notebook shows them (In [21]: `model = GPT(model_config)` prints
 * `number of parameters: 0.09M` while it builds the model, then `print(model_config)` the config).
 *
 * Follows `GPT.__init__` (the parameter line, docs/course-behaviour.md §2.7) and minGPT's `CfgNode.__str__` (docs/course-behaviour.md §5).
 */

import { formatConfig } from '@lxmls/gpt';
import { BACKEND_OPTION, chooseBackend } from '../backends.js';
import { defineCommand } from '../command.js';
import { loadModel, MODEL_SOURCE_OPTION, REFRESH_OPTION } from '../load-model.js';

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
  summary: 'Print the parameter count and the config of a GPT-2 checkpoint',
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
GPT.from_pretrained sets it, and None for any other checkpoint (its sizes are n_layer, n_head, n_embd).`,
  options: {
    model: MODEL_SOURCE_OPTION,
    backend: BACKEND_OPTION,
    refresh: REFRESH_OPTION,
    json: {
      type: 'flag',
      help: `Print one JSON line instead:
{"config":{"modelType","nLayer","nHead","nEmbd","vocabSize","blockSize","embdPdrop",
"residPdrop","attnPdrop","pretrained"},"transformerParameters":N,"totalParameters":N}
  config                 the same config, with the package's camelCase keys
  transformerParameters  what the parameter line counts
  totalParameters        every parameter, the lm_head included`,
    },
  },
  maxPositionals: 0,
  notes: `Exit code 2 with one line on stderr for an unknown model id, a missing folder or file, a truncated or
corrupt model.safetensors, a config.json that does not fit the weights (the key and both shapes named).`,
  examples: ['lxmls info --model gpt2', 'lxmls info --model ./my-gpt2 --json'],
  run: async (o, _positionals, { io, out }) => {
    await chooseBackend(o.backend);
    const model = await loadModel(o.model, io.stderr, { refresh: o.refresh });
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
