"""A CLIP-architecture model in PyTorch: a causal transformer text tower pooled at the end-of-text token
(the largest id, as OpenAI's argmax pooling assumes) and a ViT vision tower with a class token and pre-LN
blocks, each with a projection; wrappers give the Hugging Face and OpenCLIP export signatures."""

import torch
import torch.nn as nn
import torch.nn.functional as F

CONTEXT = 77

class QuickGelu(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    """Pre-LN transformer block, as in CLIP's ResidualAttentionBlock."""

    def __init__(self, width, heads):
        super().__init__()
        self.width, self.heads = width, heads
        self.ln_1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), QuickGelu(), nn.Linear(4 * width, width))

    def attention(self, x, mask):
        n, l = x.shape[0], x.shape[1]
        q, k, v = self.qkv(x).reshape(n, l, 3, self.heads, self.width // self.heads).permute(2, 0, 3, 1, 4)
        weights = (q @ k.transpose(-2, -1)) * (self.width // self.heads) ** -0.5
        if mask is not None:
            weights = weights + mask
        y = (weights.softmax(-1) @ v).transpose(1, 2).reshape(n, l, self.width)
        return self.out(y)

    def forward(self, x, mask):
        x = x + self.attention(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class TextTower(nn.Module):
    def __init__(self, vocab_size, width, heads, layers, embed):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, width)
        nn.init.normal_(self.token_embedding.weight, std=0.5)
        self.positional_embedding = nn.Parameter(torch.randn(CONTEXT, width) * 0.1)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.randn(width, embed) * width ** -0.5)
        self.register_buffer("causal", torch.full((CONTEXT, CONTEXT), float("-inf")).triu(1))

    def forward(self, ids, attention_mask=None):
        length = ids.shape[1]
        x = self.token_embedding(ids) + self.positional_embedding[:length]
        mask = self.causal[:length, :length]
        if attention_mask is not None:
            mask = mask + (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -1e4
        for block in self.blocks:
            x = block(x, mask)
        x = self.ln_final(x)
        pooled = x[torch.arange(x.shape[0]), ids.argmax(dim=-1)]
        return pooled @ self.text_projection, x


class VisionTower(nn.Module):
    def __init__(self, width, heads, layers, image, patch, embed):
        super().__init__()
        grid = image // patch
        self.width = width
        self.conv1 = nn.Conv2d(3, width, patch, patch, bias=False)
        nn.init.normal_(self.conv1.weight, std=0.2)
        self.class_embedding = nn.Parameter(torch.randn(width) * 0.02)
        self.positional_embedding = nn.Parameter(torch.randn(grid * grid + 1, width) * 0.02)
        self.ln_pre = nn.LayerNorm(width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(torch.randn(width, embed) * width ** -0.5)

    def forward(self, pixels):
        x = self.conv1(pixels).flatten(2).transpose(1, 2)
        cls = self.class_embedding.reshape(1, 1, self.width).expand(x.shape[0], 1, self.width)
        x = self.ln_pre(torch.cat([cls, x], dim=1) + self.positional_embedding)
        for block in self.blocks:
            x = block(x, None)
        return self.ln_post(x[:, 0]) @ self.proj, x


class HfText(nn.Module):
    def __init__(self, tower):
        super().__init__()
        self.tower = tower

    def forward(self, input_ids, attention_mask):
        return self.tower(input_ids, attention_mask)


class HfVision(nn.Module):
    def __init__(self, tower):
        super().__init__()
        self.tower = tower

    def forward(self, pixel_values):
        return self.tower(pixel_values)


class OpenClipText(nn.Module):
    def __init__(self, tower):
        super().__init__()
        self.tower = tower

    def forward(self, text):
        return F.normalize(self.tower(text)[0], dim=-1)


class OpenClipVision(nn.Module):
    def __init__(self, tower):
        super().__init__()
        self.tower = tower

    def forward(self, image):
        return F.normalize(self.tower(image)[0], dim=-1)
