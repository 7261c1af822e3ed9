import { thrownError } from '@lxmls/base';
import { memory, RandomGenerator, type Tensor, tensor, tidy, zeros } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import {
  Dropout,
  Embedding,
  LayerNorm,
  Linear,
  LxmlsNnError,
  Module,
  ModuleDict,
  ModuleList,
  NewGELU,
  readSafetensors,
  writeSafetensors,
} from './index.js';

/** A minGPT-like block: a buffer, a LayerNorm, an MLP in a ModuleDict and dropout. */
class Block extends Module {
  readonly ln1: LayerNorm;
  readonly mlp: ModuleDict;
  readonly drop: Dropout;
  constructor(C: number, g: RandomGenerator) {
    super();
    this.ln1 = this.registerModule('ln_1', new LayerNorm(C));
    this.mlp = this.registerModule(
      'mlp',
      new ModuleDict({ c_fc: new Linear(C, 2 * C, { generator: g }), act: new NewGELU() }),
    );
    this.drop = this.registerModule('drop', new Dropout(0.5, { generator: g }));
    this.registerBuffer('mask', tensor([1, 0, 1, 1], [2, 2], 'int32'));
    this.registerBuffer('scratch', zeros([2]), false);
  }
}

/** A tiny model with own parameters, a ModuleDict, a ModuleList of blocks and a head without bias. */
class Tiny extends Module {
  readonly transformer: ModuleDict;
  readonly lmHead: Linear;
  readonly scale: Tensor;
  constructor(seed = 0) {
    super();
    const g = new RandomGenerator(seed);
    this.scale = this.registerParameter('scale', tensor([1]));
    this.transformer = this.registerModule(
      'transformer',
      new ModuleDict({
        wte: new Embedding(5, 2, { generator: g }),
        h: new ModuleList([new Block(2, g), new Block(2, g)]),
      }),
    );
    this.lmHead = this.registerModule('lm_head', new Linear(2, 5, { bias: false, generator: g }));
  }
}

const BLOCK_PARAMS = ['ln_1.weight', 'ln_1.bias', 'mlp.c_fc.weight', 'mlp.c_fc.bias'];
const PARAM_NAMES = [
  'scale',
  'transformer.wte.weight',
  ...BLOCK_PARAMS.map((n) => `transformer.h.0.${n}`),
  ...BLOCK_PARAMS.map((n) => `transformer.h.1.${n}`),
  'lm_head.weight',
];

const errorOf = (f: () => unknown): LxmlsNnError => thrownError(LxmlsNnError, f);

describe('Module names and order', () => {
  test('namedParameters() gives PyTorch names in registration order through ModuleDict and ModuleList', () => {
    const model = new Tiny();
    expect(model.namedParameters().map(([n]) => n)).toEqual(PARAM_NAMES);
    expect(model.parameters()).toEqual(model.namedParameters().map(([, p]) => p));
    expect(model.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(model.numParameters()).toBe(1 + 10 + 2 * (2 + 2 + 8 + 4) + 10);
    model.dispose();
  });

  test('namedParameters(prefix) prefixes every name', () => {
    const fc = new Linear(2, 2);
    expect(fc.namedParameters('model').map(([n]) => n)).toEqual(['model.weight', 'model.bias']);
    fc.dispose();
  });

  test('namedModules() lists the tree in pre-order with dotted names, the root as ""', () => {
    const model = new Tiny();
    expect(model.namedModules().map(([n, m]) => `${n}:${m.constructor.name}`)).toEqual([
      ':Tiny',
      'transformer:ModuleDict',
      'transformer.wte:Embedding',
      'transformer.h:ModuleList',
      'transformer.h.0:Block',
      'transformer.h.0.ln_1:LayerNorm',
      'transformer.h.0.mlp:ModuleDict',
      'transformer.h.0.mlp.c_fc:Linear',
      'transformer.h.0.mlp.act:NewGELU',
      'transformer.h.0.drop:Dropout',
      'transformer.h.1:Block',
      'transformer.h.1.ln_1:LayerNorm',
      'transformer.h.1.mlp:ModuleDict',
      'transformer.h.1.mlp.c_fc:Linear',
      'transformer.h.1.mlp.act:NewGELU',
      'transformer.h.1.drop:Dropout',
      'lm_head:Linear',
    ]);
    expect(model.namedChildren().map(([n]) => n)).toEqual(['transformer', 'lm_head']);
    model.dispose();
  });

  test('namedBuffers() lists persistent and non-persistent buffers', () => {
    const model = new Tiny();
    expect(model.namedBuffers().map(([n]) => n)).toEqual([
      'transformer.h.0.mask',
      'transformer.h.0.scratch',
      'transformer.h.1.mask',
      'transformer.h.1.scratch',
    ]);
    model.dispose();
  });

  test('stateDict() orders each module own parameters, then persistent buffers, then children; skips non-persistent', () => {
    const model = new Tiny();
    const block = ['mask', ...BLOCK_PARAMS]; // Block has no own parameters
    expect([...model.stateDict().keys()]).toEqual([
      'scale',
      'transformer.wte.weight',
      ...block.map((n) => `transformer.h.0.${n}`),
      ...block.map((n) => `transformer.h.1.${n}`),
      'lm_head.weight',
    ]);
    expect(model.stateDict().get('transformer.h.1.mask')).toBe(model.namedBuffers()[2]?.[1]);
    model.dispose();
  });

  test('namedParameters() lists a tied weight once; stateDict() lists it under both names (as PyTorch)', () => {
    class TiedHead extends Module {
      readonly w: Tensor;
      constructor(w: Tensor) {
        super();
        this.w = this.registerParameter('weight', w);
      }
    }
    class Model extends Module {
      readonly wte = this.registerModule('wte', new Embedding(4, 2));
      readonly head = this.registerModule('head', new TiedHead(this.wte.weight));
    }
    const m = new Model();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['wte.weight']);
    expect([...m.stateDict().keys()]).toEqual(['wte.weight', 'head.weight']);
    m.dispose();
  });

  test.each([
    ['an empty name', ''],
    ['a dotted name', 'a.b'],
    ['a name already used', 'weight'],
  ])('registerParameter rejects %s with INVALID_ARGUMENT', (_, name) => {
    class Bad extends Module {
      constructor() {
        super();
        this.registerParameter('weight', zeros([1]));
        this.registerParameter(name, zeros([1]));
      }
    }
    const e = errorOf(() => new Bad());
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('Bad.registerParameter');
  });
});

describe('Module.loadStateDict', () => {
  test('loadStateDict copies in place: the module keeps the same Tensor objects with the new values', () => {
    const a = new Tiny(1);
    const b = new Tiny(2);
    const before = a.namedParameters();
    const result = a.loadStateDict(b.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [i, [name, p]] of a.namedParameters().entries()) {
      expect(p).toBe(before[i]?.[1]);
      expect(p.data(), name).toEqual(b.stateDict().get(name)?.data());
      expect(p.requiresGrad).toBe(true);
    }
    a.dispose();
    b.dispose();
  });

  test('loadStateDict accepts a plain object and an int32 → float32 conversion, disposing the conversion', () => {
    const fc = new Linear(2, 1);
    const w = tensor([3, 4], [1, 2], 'int32');
    const bias = tensor([0.5]);
    const before = memory().numTensors;
    fc.loadStateDict({ weight: w, bias });
    expect(memory().numTensors).toBe(before);
    expect(fc.weight.toArray()).toEqual([[3, 4]]);
    expect(fc.weight.dtype).toBe('float32');
    fc.dispose();
    w.dispose();
    bias.dispose();
  });

  test('loadStateDict round-trips through safetensors bytes', () => {
    const a = new Tiny(1);
    const b = new Tiny(2);
    const { tensors } = readSafetensors(writeSafetensors(a.stateDict()));
    b.loadStateDict(tensors);
    for (const [name, t] of a.stateDict()) expect(b.stateDict().get(name)?.data(), name).toEqual(t.data());
    for (const t of tensors.values()) t.dispose();
    a.dispose();
    b.dispose();
  });

  test('loadStateDict (strict) throws MISSING_KEY naming the missing key', () => {
    const fc = new Linear(2, 1);
    const e = errorOf(() => fc.loadStateDict({ weight: zeros([1, 2]) }));
    expect(e.code).toBe('MISSING_KEY');
    expect(e.message).toContain('no bias');
    fc.dispose();
  });

  test('loadStateDict (strict) throws UNEXPECTED_KEY naming the extra key', () => {
    const fc = new Linear(2, 1, { bias: false });
    const e = errorOf(() => fc.loadStateDict({ weight: zeros([1, 2]), 'lm_head.bias': zeros([1]) }));
    expect(e.code).toBe('UNEXPECTED_KEY');
    expect(e.message).toContain('lm_head.bias');
    fc.dispose();
  });

  test('loadStateDict(…, { strict: false }) loads what matches and reports the missing and unexpected keys', () => {
    const fc = new Linear(2, 1);
    const result = fc.loadStateDict({ weight: tensor([[5, 6]]), extra: zeros([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(fc.weight.toArray()).toEqual([[5, 6]]);
    fc.dispose();
  });

  test('loadStateDict throws SHAPE_MISMATCH naming the key and both shapes, before copying anything', () => {
    const fc = new Linear(3, 2);
    const weight = fc.weight.data();
    const e = errorOf(() => fc.loadStateDict({ weight: zeros([2, 3]).add(1), bias: zeros([3]) }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.argument).toBe('bias');
    expect(e.message).toBe(
      "[@lxmls/nn] Linear.loadStateDict: bias has another shape in the state dict. Expected shape (2) (the module's), received shape (3).",
    );
    expect(fc.weight.data()).toEqual(weight);
    fc.dispose();
  });
});

describe('Module modes, apply, zeroGrad, dispose and repr', () => {
  test('train(false) / eval() reach every module and make Dropout the identity; train() turns it back on', () => {
    const model = new Tiny();
    const x = tensor(new Float32Array(1000).fill(1), [1000]);
    model.eval();
    expect(model.namedModules().every(([, m]) => !m.training)).toBe(true);
    const block = model.transformer.get('h') as ModuleList<Block>;
    expect(block.at(1).drop.forward(x)).toBe(x);
    model.train();
    expect(model.namedModules().every(([, m]) => m.training)).toBe(true);
    const y = tidy(() => [...block.at(0).drop.forward(x).data()]);
    expect(y.every((v) => v === 0 || v === 2)).toBe(true);
    expect(y.filter((v) => v === 0).length).toBeGreaterThan(400);
    expect(y.filter((v) => v === 0).length).toBeLessThan(600);
    x.dispose();
    model.dispose();
  });

  test('apply(fn) visits children before their parents', () => {
    const model = new Tiny();
    const order: string[] = [];
    const names = new Map(model.namedModules().map(([n, m]) => [m, n]));
    expect(model.apply((m) => order.push(names.get(m) as string))).toBe(model);
    expect(order).toEqual([
      'transformer.wte',
      'transformer.h.0.ln_1',
      'transformer.h.0.mlp.c_fc',
      'transformer.h.0.mlp.act',
      'transformer.h.0.mlp',
      'transformer.h.0.drop',
      'transformer.h.0',
      'transformer.h.1.ln_1',
      'transformer.h.1.mlp.c_fc',
      'transformer.h.1.mlp.act',
      'transformer.h.1.mlp',
      'transformer.h.1.drop',
      'transformer.h.1',
      'transformer.h',
      'transformer',
      'lm_head',
      '',
    ]);
    model.dispose();
  });

  test('zeroGrad() sets every gradient to null and frees it', () => {
    const fc = new Linear(2, 2);
    tidy(() =>
      fc
        .forward(tensor([[1, 2]]))
        .sum()
        .backward(),
    );
    expect(fc.weight.grad).not.toBeNull();
    const before = memory().numTensors;
    fc.zeroGrad();
    expect(fc.parameters().map((p) => p.grad)).toEqual([null, null]);
    expect(memory().numTensors).toBe(before - 2);
    fc.dispose();
  });

  test('dispose() frees every parameter, gradient and buffer: memory() returns to where it was', () => {
    const start = memory();
    const model = new Tiny();
    tidy(() => {
      const h = model.transformer.get('wte') as Embedding;
      model.lmHead
        .forward(h.forward(tensor([[1, 2]], undefined, 'int32')))
        .sum()
        .backward();
    });
    expect(memory().numTensors).toBeGreaterThan(start.numTensors);
    model.dispose();
    expect(memory()).toEqual(start);
    expect(model.parameters().every((p) => p.isDisposed)).toBe(true);
  });

  test('tidy() does not free parameters (they are kept)', () => {
    const fc = tidy(() => new Linear(2, 2));
    expect(fc.weight.isDisposed).toBe(false);
    fc.dispose();
  });

  test('toString() prints the tree as PyTorch does, folding equal ModuleList items', () => {
    const model = new Tiny();
    const block = [
      'Block(',
      '  (ln_1): LayerNorm((2,), eps=1e-05, elementwise_affine=True)',
      '  (mlp): ModuleDict(',
      '    (c_fc): Linear(in_features=2, out_features=4, bias=True)',
      '    (act): NewGELU()',
      '  )',
      '  (drop): Dropout(p=0.5, inplace=False)',
      ')',
    ];
    expect(String(model)).toBe(
      [
        'Tiny(',
        '  (transformer): ModuleDict(',
        '    (wte): Embedding(5, 2)',
        '    (h): ModuleList(',
        `      (0-1): 2 x ${block.join('\n      ')}`,
        '    )',
        '  )',
        '  (lm_head): Linear(in_features=2, out_features=5, bias=False)',
        ')',
      ].join('\n'),
    );
    model.dispose();
  });

  test('ModuleList.toString() lists unequal items one by one and an empty list as ModuleList()', () => {
    const list = new ModuleList<Module>([new Dropout(0.1), new Dropout(0.1), new NewGELU(), new Dropout(0)]);
    expect(String(list)).toBe(
      [
        'ModuleList(',
        '  (0-1): 2 x Dropout(p=0.1, inplace=False)',
        '  (2): NewGELU()',
        '  (3): Dropout(p=0.0, inplace=False)',
        ')',
      ].join('\n'),
    );
    expect(String(new ModuleList())).toBe('ModuleList()');
  });

  test('toString() puts the extra repr on its own line when a module also has children', () => {
    class Scaled extends Module {
      readonly fc = this.registerModule('fc', new Linear(1, 1));
      protected override extraRepr(): string {
        return 'scale=2.0';
      }
    }
    const m = new Scaled();
    expect(String(m)).toBe(
      'Scaled(\n  scale=2.0\n  (fc): Linear(in_features=1, out_features=1, bias=True)\n)',
    );
    m.dispose();
  });
});

describe('ModuleList and ModuleDict', () => {
  test('ModuleList push, at (negative index), length and iteration', () => {
    const list = new ModuleList([new NewGELU()]);
    const second = new NewGELU();
    list.push(second);
    expect(list.length).toBe(2);
    expect(list.at(-1)).toBe(second);
    expect([...list]).toHaveLength(2);
    expect(list.namedChildren().map(([n]) => n)).toEqual(['0', '1']);
  });

  test.each([2, -3, 0.5])('ModuleList.at(%s) out of range throws INVALID_ARGUMENT', (i) => {
    const e = errorOf(() => new ModuleList([new NewGELU(), new NewGELU()]).at(i));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('[-2, 2)');
  });

  test('ModuleDict.get of an unknown name throws INVALID_ARGUMENT listing the names', () => {
    const d = new ModuleDict({ a: new NewGELU(), b: new NewGELU() });
    const e = errorOf(() => d.get('c'));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('one of a, b');
  });
});
