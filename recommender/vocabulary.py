"""The one place for deepread's controlled vocabulary.

Topics, levels, kinds, and the words people use for them (acronyms, synonyms, level words,
kind words) are facts that the catalog, the validator, the recommender and both faces all rely
on. Keeping them here means a new topic or acronym is one edit, not a hunt.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Levels -----------------------------------------------------------------------------------

LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced")
"""Difficulty levels, easiest first; the order is used for "neighbouring level" fill-in."""

LEVEL_SOURCES: tuple[str, ...] = ("rating", "curated")
"""`rating`: the guide's ★ marks gave the level; `curated`: a person or a documented rule did."""

STARS_TO_LEVEL: dict[int, str] = {1: "beginner", 2: "intermediate", 3: "advanced"}

LEVEL_WORDS: dict[str, str] = {
    "beginner": "beginner",
    "beginners": "beginner",
    "begginer": "beginner",
    "novice": "beginner",
    "newbie": "beginner",
    "intro": "beginner",
    "introduction": "beginner",
    "introductory": "beginner",
    "basic": "beginner",
    "basics": "beginner",
    "easy": "beginner",
    "gentle": "beginner",
    "starter": "beginner",
    "start": "beginner",
    "scratch": "beginner",
    "101": "beginner",
    "intermediate": "intermediate",
    "medium": "intermediate",
    "moderate": "intermediate",
    "advanced": "advanced",
    "advance": "advanced",
    "expert": "advanced",
    "hard": "advanced",
    "deep-dive": "advanced",
    "research": "advanced",
}
"""Words inside a query that name a level (`rnn beginner`, `intro to ml`, `advanced gans`)."""

# --- Kinds ------------------------------------------------------------------------------------

KINDS: tuple[str, ...] = (
    "paper",
    "course",
    "book",
    "video",
    "blog",
    "tutorial",
    "website",
    "forum",
)

KIND_WORDS: dict[str, str] = {
    "paper": "paper",
    "papers": "paper",
    "article": "paper",
    "articles": "paper",
    "publication": "paper",
    "course": "course",
    "courses": "course",
    "class": "course",
    "classes": "course",
    "mooc": "course",
    "lecture": "course",
    "lectures": "course",
    "book": "book",
    "books": "book",
    "textbook": "book",
    "textbooks": "book",
    "ebook": "book",
    "video": "video",
    "videos": "video",
    "youtube": "video",
    "talk": "video",
    "talks": "video",
    "blog": "blog",
    "blogs": "blog",
    "post": "blog",
    "posts": "blog",
    "tutorial": "tutorial",
    "tutorials": "tutorial",
    "notebook": "tutorial",
    "notebooks": "tutorial",
    "website": "website",
    "websites": "website",
    "site": "website",
    "sites": "website",
    "forum": "forum",
    "forums": "forum",
    "fora": "forum",
    "community": "forum",
    "subreddit": "forum",
}
"""Words inside a query that name a kind of resource (`rnn video`, `best book`)."""

# --- Topics -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic of the controlled vocabulary.

    `slug` is what the catalog stores, `label` what people read, `terms` the words that mean
    this topic in a query or a text (used to tag resources and to expand queries).
    """

    slug: str
    label: str
    terms: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "ml-basics",
        "ML basics",
        (
            "machine learning",
            "ml",
            "supervised learning",
            "regression",
            "classification",
            "overfitting",
        ),
    ),
    Topic(
        "neural-networks",
        "Neural networks",
        ("neural network", "neural networks", "neural nets", "perceptron", "mlp", "feedforward"),
    ),
    Topic(
        "deep-learning",
        "Deep learning (overview)",
        ("deep learning", "deep networks", "deep architectures"),
    ),
    Topic(
        "backpropagation",
        "Backpropagation",
        ("backpropagation", "backprop", "gradient", "computational graph"),
    ),
    Topic(
        "optimization",
        "Optimization",
        (
            "optimization",
            "sgd",
            "gradient descent",
            "adagrad",
            "learning rate",
            "hyperparameter",
            "initialization",
        ),
    ),
    Topic(
        "regularization",
        "Regularization",
        ("regularization", "dropout", "weight decay", "overfitting", "pooling"),
    ),
    Topic(
        "cnn",
        "Convolutional networks",
        ("cnn", "convnet", "convolutional", "convolution", "image classification"),
    ),
    Topic(
        "computer-vision",
        "Computer vision",
        ("computer vision", "image", "images", "object detection", "imagenet", "visual"),
    ),
    Topic(
        "rnn",
        "Recurrent networks",
        ("rnn", "recurrent", "lstm", "gru", "sequence", "long short-term memory"),
    ),
    Topic(
        "nlp",
        "Natural language processing",
        (
            "nlp",
            "natural language",
            "translation",
            "sentiment",
            "parsing",
            "text",
        ),
    ),
    Topic(
        "embeddings",
        "Embeddings",
        (
            "embedding",
            "embeddings",
            "word2vec",
            "word vectors",
            "paragraph vector",
            "word representations",
            "thought vectors",
        ),
    ),
    Topic(
        "dialog",
        "Dialog and QA",
        ("dialog", "dialogue", "conversational", "question answering", "chatbot"),
    ),
    Topic(
        "memory-networks",
        "Memory architectures",
        ("memory networks", "neural turing machine", "external memory", "memory"),
    ),
    Topic(
        "speech",
        "Speech",
        ("speech", "phone recognition", "phoneme", "acoustic", "audio", "spoken"),
    ),
    Topic(
        "autoencoders",
        "Autoencoders",
        ("autoencoder", "autoencoders", "sparse coding", "dimensionality reduction"),
    ),
    Topic(
        "generative-models",
        "Generative models",
        ("generative", "generative model", "deep generative models", "generative modeling"),
    ),
    Topic(
        "rbm-dbn",
        "RBMs and deep belief nets",
        (
            "rbm",
            "restricted boltzmann machine",
            "boltzmann",
            "dbn",
            "deep belief",
            "contrastive divergence",
        ),
    ),
    Topic(
        "probabilistic-models",
        "Probabilistic graphical models",
        ("graphical models", "pgm", "bayesian", "mcmc", "monte carlo", "linear factor models"),
    ),
    Topic(
        "reinforcement-learning",
        "Reinforcement learning",
        (
            "reinforcement learning",
            "rl",
            "q-learning",
            "policy",
            "temporal difference",
            "markov decision process",
        ),
    ),
    Topic("linear-algebra", "Linear algebra", ("linear algebra", "matrix", "matrices", "vectors")),
    Topic(
        "probability", "Probability and statistics", ("probability", "statistics", "statistical")
    ),
    Topic("math", "Mathematics", ("math", "maths", "calculus", "numerical")),
    Topic(
        "programming",
        "Programming (Python, NumPy)",
        ("python", "numpy", "scipy", "jupyter", "javascript", "code"),
    ),
    Topic(
        "frameworks",
        "Frameworks",
        (
            "framework",
            "tensorflow",
            "theano",
            "torch",
            "keras",
            "lasagne",
            "pytorch",
            "scikit-learn",
        ),
    ),
    Topic(
        "hardware",
        "Hardware and scaling",
        ("gpu", "gpus", "hardware", "distributed", "parallel", "parallelizing", "large scale"),
    ),
    Topic(
        "research-practice",
        "Research practice",
        ("research", "papers", "reading list", "arxiv", "reference manager"),
    ),
    Topic(
        "applications",
        "Applications",
        ("application", "genomics", "medical", "kaggle", "retrieval"),
    ),
    Topic("community", "Community", ("forum", "community", "subreddit", "news", "q&a")),
    Topic("ai", "Artificial intelligence", ("artificial intelligence", "ai", "robotics")),
    # --- the areas of the modern catalog (2015-2025) ---
    Topic(
        "attention",
        "Attention",
        ("attention", "attention mechanism", "self-attention", "cross-attention"),
    ),
    Topic(
        "transformers",
        "Transformers",
        ("transformer", "transformers", "multi-head attention", "positional encoding"),
    ),
    Topic(
        "language-models",
        "Language models",
        (
            "language model",
            "language models",
            "language modeling",
            "language modelling",
            "bert",
            "gpt",
            "pre-trained language",
            "pretrained language",
        ),
    ),
    Topic(
        "llm",
        "Large language models",
        ("large language model", "large language models", "llm", "llms", "chatgpt", "scaling laws"),
    ),
    Topic(
        "prompting",
        "Prompting and reasoning",
        ("prompting", "prompt engineering", "in-context learning", "chain-of-thought", "reasoning"),
    ),
    Topic(
        "alignment",
        "Alignment and human feedback",
        (
            "alignment",
            "rlhf",
            "human feedback",
            "human preferences",
            "instruction tuning",
            "preference optimization",
        ),
    ),
    Topic(
        "fine-tuning",
        "Fine-tuning and adaptation",
        (
            "fine-tuning",
            "fine tuning",
            "finetuning",
            "lora",
            "low-rank adaptation",
            "adapters",
            "parameter-efficient",
            "transfer learning",
        ),
    ),
    Topic(
        "rag",
        "Retrieval-augmented generation",
        (
            "retrieval-augmented",
            "retrieval augmented",
            "rag",
            "dense retrieval",
            "passage retrieval",
        ),
    ),
    Topic(
        "mixture-of-experts",
        "Mixture of experts",
        ("mixture of experts", "mixture-of-experts", "moe", "sparse experts", "expert routing"),
    ),
    Topic(
        "gans",
        "Generative adversarial networks",
        ("gan", "gans", "generative adversarial", "adversarial network", "adversarial networks"),
    ),
    Topic(
        "vae",
        "Variational autoencoders",
        ("vae", "vaes", "variational autoencoder", "variational autoencoders", "variational bayes"),
    ),
    Topic(
        "normalizing-flows",
        "Normalizing flows",
        ("normalizing flow", "normalizing flows", "normalising flows", "flow-based", "real nvp"),
    ),
    Topic(
        "diffusion",
        "Diffusion models",
        (
            "diffusion",
            "diffusion model",
            "diffusion models",
            "denoising diffusion",
            "score-based",
            "ddpm",
            "stable diffusion",
        ),
    ),
    Topic(
        "vision-transformers",
        "Vision transformers",
        ("vision transformer", "vision transformers", "vit", "image patches"),
    ),
    Topic(
        "self-supervised",
        "Self-supervised learning",
        ("self-supervised", "self supervised", "self-supervision", "pretext task"),
    ),
    Topic(
        "contrastive-learning",
        "Contrastive learning",
        ("contrastive learning", "contrastive loss", "contrastive", "simclr", "moco"),
    ),
    Topic(
        "multimodal",
        "Multimodal learning",
        ("multimodal", "multi-modal", "vision-language", "image-text", "text-to-image", "clip"),
    ),
    Topic(
        "normalization",
        "Normalization layers",
        (
            "batch normalization",
            "batch norm",
            "layer normalization",
            "group normalization",
            "normalization layer",
        ),
    ),
    Topic(
        "gnn",
        "Graph neural networks",
        (
            "graph neural network",
            "graph neural networks",
            "gnn",
            "gnns",
            "graph convolutional",
            "message passing",
            "learning on graphs",
            "graph representation learning",
        ),
    ),
    Topic(
        "interpretability",
        "Interpretability",
        (
            "interpretability",
            "interpretable",
            "explainability",
            "saliency",
            "feature visualization",
            "attribution",
            "circuits",
        ),
    ),
    Topic(
        "deep-rl",
        "Deep reinforcement learning",
        (
            "deep reinforcement learning",
            "deep rl",
            "dqn",
            "atari",
            "policy gradient",
            "policy gradients",
            "actor-critic",
            "ppo",
            "alphago",
        ),
    ),
    Topic(
        "efficiency",
        "Efficiency (compression, fast inference)",
        (
            "quantization",
            "distillation",
            "pruning",
            "model compression",
            "efficient inference",
            "mixed precision",
            "flashattention",
        ),
    ),
)

TOPIC_SLUGS: tuple[str, ...] = tuple(t.slug for t in TOPICS)
TOPICS_BY_SLUG: dict[str, Topic] = {t.slug: t for t in TOPICS}


def topic_label(slug: str) -> str:
    """The human label of a topic slug, or the slug itself for an unknown one."""
    topic = TOPICS_BY_SLUG.get(slug)
    return topic.label if topic else slug


# --- Acronyms and synonyms ---------------------------------------------------------------------

ACRONYMS: dict[str, str] = {
    "rnn": "recurrent neural network",
    "rnns": "recurrent neural networks",
    "lstm": "long short-term memory",
    "lstms": "long short-term memory",
    "gru": "gated recurrent unit",
    "cnn": "convolutional neural network",
    "cnns": "convolutional neural networks",
    "convnet": "convolutional neural network",
    "convnets": "convolutional neural networks",
    "gan": "generative adversarial network",
    "gans": "generative adversarial networks",
    "vae": "variational autoencoder",
    "vaes": "variational autoencoders",
    "rbm": "restricted boltzmann machine",
    "rbms": "restricted boltzmann machines",
    "dbn": "deep belief network",
    "dbns": "deep belief networks",
    "rl": "reinforcement learning",
    "nlp": "natural language processing",
    "sgd": "stochastic gradient descent",
    "dqn": "deep q-network deep reinforcement learning",
    "ml": "machine learning",
    "dl": "deep learning",
    "ai": "artificial intelligence",
    "nn": "neural network",
    "nns": "neural networks",
    "mlp": "multilayer perceptron",
    "pgm": "probabilistic graphical models",
    "pgms": "probabilistic graphical models",
    "mcmc": "markov chain monte carlo",
    "svm": "support vector machine",
    "svms": "support vector machines",
    "ntm": "neural turing machine",
    "bptt": "backpropagation through time",
    "ctc": "connectionist temporal classification",
    "relu": "rectified linear unit",
    "seq2seq": "sequence to sequence",
    "qa": "question answering",
    "gpu": "gpu hardware",
    "mooc": "online course",
    "resnet": "residual network",
    "resnets": "residual networks",
    # the modern catalog's areas
    "llm": "large language model",
    "llms": "large language models",
    "gpt": "generative pre-trained transformer",
    "bert": "bidirectional encoder representations from transformers",
    "vit": "vision transformer",
    "vits": "vision transformers",
    "rlhf": "reinforcement learning from human feedback",
    "lora": "low-rank adaptation",
    "peft": "parameter-efficient fine-tuning",
    "rag": "retrieval-augmented generation",
    "ddpm": "denoising diffusion probabilistic model",
    "ddim": "denoising diffusion implicit model",
    "clip": "contrastive language-image pre-training",
    "ppo": "proximal policy optimization",
    "trpo": "trust region policy optimization",
    "ddpg": "deep deterministic policy gradient",
    "gnn": "graph neural network",
    "gnns": "graph neural networks",
    "gcn": "graph convolutional network",
    "gcns": "graph convolutional networks",
    "gat": "graph attention network",
    "moe": "mixture of experts",
    "dpo": "direct preference optimization",
    "sft": "supervised fine-tuning",
    "mae": "masked autoencoder",
    "ssl": "self-supervised learning",
    "nmt": "neural machine translation",
    "xai": "explainable artificial intelligence",
}
"""Acronym → expansion. Used both ways: a query's acronym adds its expansion, and a text's
expansion adds the acronym to its index terms, so `rnn` finds "Recurrent Neural Networks"."""

SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("backprop", "backpropagation"),
    ("convnet", "convolutional network", "cnn"),
    ("neural net", "neural network"),
    ("autoencoder", "auto-encoder", "autoencoders"),
    ("word embedding", "word vectors", "word2vec"),
    ("dialog", "dialogue", "conversation"),
    ("maths", "math", "mathematics"),
    ("hyperparameter", "hyper-parameter"),
    ("batch norm", "batchnorm", "batch normalization"),
    ("gradient descent", "gradient-based optimization"),
    ("fine-tuning", "finetuning"),
    ("pre-training", "pretraining"),
    ("self-attention", "self attention", "intra-attention"),
    ("normalizing flows", "normalising flows"),
    ("layer norm", "layernorm", "layer normalization"),
    ("chain-of-thought", "chain of thought"),
)
"""Groups of words that mean the same thing to a reader; any member expands to the others.
Only true synonyms: "dropout" is a kind of regularization, not another word for it (as a
synonym it made `paper dropout` answer with a paper on regularizing RNNs); the topic
`regularization` lists it among its terms instead."""

# --- Stemming exceptions -----------------------------------------------------------------------

STEM_EXCEPTIONS: dict[str, str] = {
    # the architecture is not a transformation (Snowball gives both `transform`)
    "transformer": "transformer",
    "transformers": "transformer",
    # Adam the optimiser is not Ryan P. Adams
    "adams": "adams",
    # AI alignment is not "learning to align" words; layer normalisation is not a normal law
    "alignment": "alignment",
    "alignments": "alignment",
    "normalization": "normaliz",
    "normalizations": "normaliz",
    "normalizing": "normaliz",
    "normalising": "normaliz",
    "normalize": "normaliz",
    "normalise": "normaliz",
    "normalized": "normaliz",
    "normalised": "normaliz",
    # CLIP the model is not gradient clipping
    "clipping": "clipping",
    "clipped": "clipping",
}
"""Words whose Snowball stem would collide with an unrelated word (a stem collision): they get
their own stem, on both sides of the index, so `transformers` never matches "Linear
Transformations" and `adam` never matches an author called Adams. Looked up after British
`-isation` becomes `-ization`."""

# --- Query filler ------------------------------------------------------------------------------

QUERY_FILLER_WORDS: frozenset[str] = frozenset(
    {
        "best",
        "good",
        "great",
        "nice",
        "top",
        "recommend",
        "recommendation",
        "recommendations",
        "suggest",
        "want",
        "need",
        "buy",
        "choose",
        "pick",
        "latest",
        "recent",
        "looking",
        "find",
        "learn",
        "study",
        "read",
        "reading",
        "resource",
        "resources",
        "material",
        "materials",
        "topic",
        "topics",
        "subject",
        "subjects",
        "explain",
        "explained",
        "explanation",
        "understand",
        "understanding",
        "work",
        "works",
        "does",
        "do",
        "how",
        "what",
        "why",
        "which",
        "where",
        "some",
        "any",
        "please",
        "me",
        "i",
        "is",
        "are",
        "about",
        "on",
        "for",
        "to",
    }
)
"""Words of a request, not of its subject (`what is the best book to learn ...`): a query drops
them so they neither match nor get corrected as typos. Checked on the surface word, before
stemming, so `learn` is filler while `learning` (as in "deep learning") is not."""

# --- Generic words -----------------------------------------------------------------------------

GENERIC_WORDS: frozenset[str] = frozenset(
    {
        "network",
        "networks",
        "net",
        "nets",
        "neural",
        "deep",
        "learning",
        "machine",
        "model",
        "models",
        "method",
        "methods",
        "algorithm",
        "algorithms",
        "approach",
        "approaches",
        "train",
        "training",
        "trained",
        "tune",
        "tuned",
        "tuning",
        "recipe",
        "recipes",
        "analysis",
        "recognition",
        "using",
        "use",
        "data",
        "simple",
        "new",
        "improved",
        "better",
    }
)
"""Words too general to say what a query is about (`networks`, `learning`, `recipe`, `tuned`).
A result must hold the query's other, meaningful words; it never matches on a generic word alone
while the query has meaningful words (`sourdough bread recipe` is not about RBM recipes). A
query made only of generic words (`neural networks`) needs them all."""

# --- Topic prerequisites -----------------------------------------------------------------------

TOPIC_PREREQUISITES: dict[str, tuple[str, ...]] = {
    "ml-basics": ("programming", "linear-algebra"),
    "neural-networks": ("ml-basics",),
    "deep-learning": ("ml-basics", "neural-networks"),
    "backpropagation": ("neural-networks",),
    "optimization": ("neural-networks", "backpropagation"),
    "regularization": ("neural-networks",),
    "cnn": ("neural-networks", "backpropagation"),
    "computer-vision": ("neural-networks", "cnn"),
    "rnn": ("neural-networks", "backpropagation"),
    "nlp": ("neural-networks", "embeddings"),
    "embeddings": ("neural-networks",),
    "dialog": ("rnn", "nlp"),
    "memory-networks": ("rnn",),
    "speech": ("neural-networks", "rnn"),
    "autoencoders": ("neural-networks",),
    "generative-models": ("neural-networks", "probability"),
    "rbm-dbn": ("neural-networks", "probability"),
    "probabilistic-models": ("probability",),
    "reinforcement-learning": ("ml-basics", "neural-networks"),
    "frameworks": ("programming", "neural-networks"),
    "hardware": ("frameworks",),
    "attention": ("rnn",),
    "transformers": ("attention", "neural-networks"),
    "language-models": ("transformers", "embeddings"),
    "llm": ("language-models", "transformers"),
    "prompting": ("llm",),
    "alignment": ("llm", "reinforcement-learning"),
    "fine-tuning": ("transformers", "language-models"),
    "rag": ("llm", "embeddings"),
    "mixture-of-experts": ("transformers",),
    "gans": ("neural-networks", "generative-models"),
    "vae": ("autoencoders", "probability"),
    "normalizing-flows": ("generative-models", "probability"),
    "diffusion": ("generative-models", "vae"),
    "vision-transformers": ("transformers", "cnn"),
    "self-supervised": ("neural-networks", "cnn"),
    "contrastive-learning": ("self-supervised",),
    "multimodal": ("transformers", "computer-vision"),
    "normalization": ("neural-networks", "optimization"),
    "gnn": ("neural-networks", "linear-algebra"),
    "interpretability": ("neural-networks", "cnn"),
    "deep-rl": ("reinforcement-learning", "neural-networks"),
    "efficiency": ("neural-networks", "hardware"),
}
"""Topics to know before a topic: a learning path starts with a beginner resource of each
(`rnn` → neural networks and backpropagation basics before any recurrent-network reading)."""
