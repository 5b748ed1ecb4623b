/**
 * Versioned schema migrations. Each runs once, in order, inside a transaction;
 * `schema_migrations` records which have run. Never edit a released migration:
 * add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'sources, items, passages, chunks',
    sql: `
      CREATE TABLE personas (
        id TEXT PRIMARY KEY,
        display_name TEXT,
        identities TEXT NOT NULL DEFAULT '[]',   -- JSON: addresses and names that are this persona
        created_at TEXT NOT NULL
      );

      CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        persona_id TEXT NOT NULL REFERENCES personas(id),
        path TEXT NOT NULL,
        type TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        modified_at TEXT NOT NULL,
        ingested_at TEXT NOT NULL,
        item_count INTEGER NOT NULL DEFAULT 0,
        UNIQUE (persona_id, path)
      );

      -- One logical unit of text: an email, a document, a chat message, an interview answer.
      CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        persona_id TEXT NOT NULL REFERENCES personas(id),
        kind TEXT NOT NULL CHECK (kind IN ('email', 'document', 'chat', 'interview')),
        message_id TEXT,                 -- normalised RFC 5322 Message-ID, when there is one
        content_key TEXT NOT NULL,       -- hash of the normalised content: dedupe across formats
        parent_item_id INTEGER REFERENCES items(id) ON DELETE CASCADE,  -- an attachment's email
        thread_key TEXT,
        in_reply_to TEXT,
        subject TEXT,
        title TEXT,
        author_name TEXT,
        author_address TEXT,
        is_persona INTEGER NOT NULL,
        recipients TEXT NOT NULL DEFAULT '[]',
        sent_at TEXT,
        greeting TEXT,
        sign_off TEXT,
        removed TEXT NOT NULL DEFAULT '{}', -- JSON: lines removed per cleaning rule
        metadata TEXT NOT NULL DEFAULT '{}'
      );
      CREATE UNIQUE INDEX items_message_id ON items(persona_id, message_id) WHERE message_id IS NOT NULL;
      CREATE INDEX items_content_key ON items(persona_id, content_key);
      CREATE INDEX items_thread ON items(persona_id, thread_key);
      CREATE INDEX items_parent ON items(parent_item_id);

      -- Which sources hold an item: the same email in an mbox and an .eml is one item, two links.
      CREATE TABLE item_sources (
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (item_id, source_id)
      );
      CREATE INDEX item_sources_source ON item_sources(source_id);

      -- Attributed pieces of an item: the body, quoted text, the message a chat turn answered.
      CREATE TABLE passages (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('body', 'quote', 'forward', 'context', 'question')),
        position INTEGER NOT NULL,
        page INTEGER,
        author_name TEXT,
        author_address TEXT,
        is_persona INTEGER NOT NULL,
        text TEXT NOT NULL
      );
      CREATE INDEX passages_item ON passages(item_id);

      CREATE TABLE chunks (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
        persona_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        token_count INTEGER NOT NULL,
        is_persona INTEGER NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX chunks_item ON chunks(item_id);
      CREATE INDEX chunks_persona ON chunks(persona_id, is_persona);

      CREATE TABLE ingest_runs (
        id INTEGER PRIMARY KEY,
        persona_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        summary TEXT
      );
    `,
  },
  {
    version: 2,
    name: 'interviews, conversations, feedback, jobs',
    sql: `
      CREATE TABLE interviews (
        id INTEGER PRIMARY KEY,
        persona_id TEXT NOT NULL REFERENCES personas(id),
        item_id INTEGER REFERENCES items(id) ON DELETE CASCADE,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        tone TEXT,
        category TEXT,
        answered_at TEXT NOT NULL
      );
      CREATE INDEX interviews_persona ON interviews(persona_id);

      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        persona_id TEXT NOT NULL REFERENCES personas(id),
        started_at TEXT NOT NULL,
        ended_at TEXT,
        metadata TEXT NOT NULL DEFAULT '{}'
      );

      CREATE TABLE conversation_turns (
        id INTEGER PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('user', 'persona', 'system')),
        text TEXT NOT NULL,
        adapter_id TEXT,
        sources TEXT NOT NULL DEFAULT '[]',
        timings TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
      );
      CREATE INDEX conversation_turns_conversation ON conversation_turns(conversation_id);

      CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        turn_id INTEGER NOT NULL REFERENCES conversation_turns(id) ON DELETE CASCADE,
        rating INTEGER,
        comment TEXT,
        created_at TEXT NOT NULL
      );

      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        payload TEXT NOT NULL DEFAULT '{}',
        progress TEXT NOT NULL DEFAULT '{}',
        result TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX jobs_status ON jobs(kind, status);
    `,
  },
  {
    version: 3,
    name: 'which chunks each embedder has embedded',
    sql: `
      -- No foreign key on purpose: a row outliving its chunk marks a vector to delete from the index.
      CREATE TABLE embedded_chunks (
        embedder_id TEXT NOT NULL,
        chunk_id INTEGER NOT NULL,
        text_hash TEXT NOT NULL,     -- chunk ids can be reused after a forget; the hash tells a new text
        embedded_at TEXT NOT NULL,
        PRIMARY KEY (embedder_id, chunk_id)
      );
    `,
  },
  {
    version: 4,
    name: 'the persona identities each source was attributed with',
    sql: `
      -- A source read before an address or name was added to the persona is read again.
      ALTER TABLE sources ADD COLUMN identity_key TEXT NOT NULL DEFAULT '';
    `,
  },
  {
    version: 5,
    name: 'API keys for the server',
    sql: `
      -- Only a SHA-256 of each key is kept: the plain key is shown once, when it is made.
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT,
        prefix TEXT NOT NULL,            -- the key's first characters, so a listing can tell keys apart
        key_hash TEXT NOT NULL UNIQUE,   -- hex SHA-256 of the whole key
        created_at TEXT NOT NULL,
        last_used_at TEXT,               -- written at most once a minute per key
        revoked_at TEXT
      );
      CREATE INDEX api_keys_prefix ON api_keys(prefix);
    `,
  },
  {
    version: 6,
    name: 'persona building: profiles, modes, interview sources, corrected answers, style evaluations',
    sql: `
      -- Every build or edit of a profile is a new version; the newest is the one in use.
      CREATE TABLE persona_profiles (
        id INTEGER PRIMARY KEY,
        persona_id TEXT NOT NULL REFERENCES personas(id),
        version INTEGER NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('llm', 'fingerprint', 'edited')),
        profile TEXT NOT NULL,           -- JSON: summary, traits with evidence, communication style
        system_prompt TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (persona_id, version)
      );

      -- The latest discovery of a persona's modes (registers); a rerun replaces it.
      CREATE TABLE persona_modes (
        persona_id TEXT NOT NULL REFERENCES personas(id),
        mode TEXT NOT NULL,              -- a slug, usable as an adapter's mode
        label TEXT NOT NULL,
        terms TEXT NOT NULL DEFAULT '[]',
        system_prompt TEXT NOT NULL,
        size INTEGER NOT NULL,
        silhouette REAL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (persona_id, mode)
      );

      ALTER TABLE interviews ADD COLUMN via TEXT NOT NULL DEFAULT 'imported';   -- typed, spoken or imported
      ALTER TABLE feedback ADD COLUMN corrected_answer TEXT;

      CREATE TABLE style_evaluations (
        id INTEGER PRIMARY KEY,
        persona_id TEXT NOT NULL REFERENCES personas(id),
        engine TEXT NOT NULL,
        adapter_id TEXT,
        report TEXT NOT NULL,            -- JSON figures: fingerprint distance, chrF, perplexity, latency
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'embedding records scoped by persona; a change stamp per persona for running servers',
    sql: `
      -- Records were keyed by embedder alone, so one persona's run took every other persona's
      -- records for stale vectors. Now they belong to a persona as well.
      CREATE TABLE embedded_chunks_by_persona (
        persona_id TEXT NOT NULL,
        embedder_id TEXT NOT NULL,
        chunk_id INTEGER NOT NULL,   -- no foreign key on purpose: a row outliving its chunk marks a vector to delete
        text_hash TEXT NOT NULL,
        embedded_at TEXT NOT NULL,
        PRIMARY KEY (persona_id, embedder_id, chunk_id)
      );
      INSERT INTO embedded_chunks_by_persona
        SELECT chunks.persona_id, old.embedder_id, old.chunk_id, old.text_hash, old.embedded_at
        FROM embedded_chunks AS old JOIN chunks ON chunks.id = old.chunk_id;
      -- A record whose chunk is gone names no persona: every persona deletes that id from its own collection.
      INSERT INTO embedded_chunks_by_persona
        SELECT personas.id, old.embedder_id, old.chunk_id, old.text_hash, old.embedded_at
        FROM embedded_chunks AS old CROSS JOIN personas
        WHERE NOT EXISTS (SELECT 1 FROM chunks WHERE chunks.id = old.chunk_id);
      DROP TABLE embedded_chunks;
      ALTER TABLE embedded_chunks_by_persona RENAME TO embedded_chunks;

      -- Bumped by triggers on every write that changes what a persona's retrieval or speech bias
      -- sees, whichever process writes it: a running server compares it on each search.
      CREATE TABLE persona_changes (
        persona_id TEXT PRIMARY KEY,
        content_generation INTEGER NOT NULL DEFAULT 0,    -- chunks, interviews, identities
        embedding_generation INTEGER NOT NULL DEFAULT 0   -- embedding records
      );
      INSERT INTO persona_changes (persona_id) SELECT id FROM personas;

      CREATE TRIGGER chunks_insert_stamp AFTER INSERT ON chunks BEGIN
        INSERT INTO persona_changes (persona_id, content_generation) VALUES (NEW.persona_id, 1)
          ON CONFLICT (persona_id) DO UPDATE SET content_generation = content_generation + 1;
      END;
      CREATE TRIGGER chunks_delete_stamp AFTER DELETE ON chunks BEGIN
        INSERT INTO persona_changes (persona_id, content_generation) VALUES (OLD.persona_id, 1)
          ON CONFLICT (persona_id) DO UPDATE SET content_generation = content_generation + 1;
      END;
      CREATE TRIGGER chunks_update_stamp AFTER UPDATE ON chunks BEGIN
        INSERT INTO persona_changes (persona_id, content_generation) VALUES (NEW.persona_id, 1)
          ON CONFLICT (persona_id) DO UPDATE SET content_generation = content_generation + 1;
        INSERT INTO persona_changes (persona_id, content_generation) VALUES (OLD.persona_id, 1)
          ON CONFLICT (persona_id) DO UPDATE SET content_generation = content_generation + 1;
      END;
      CREATE TRIGGER interviews_insert_stamp AFTER INSERT ON interviews BEGIN
        INSERT INTO persona_changes (persona_id, content_generation) VALUES (NEW.persona_id, 1)
          ON CONFLICT (persona_id) DO UPDATE SET content_generation = content_generation + 1;
      END;
      CREATE TRIGGER interviews_delete_stamp AFTER DELETE ON interviews BEGIN
        INSERT INTO persona_changes (persona_id, content_generation) VALUES (OLD.persona_id, 1)
          ON CONFLICT (persona_id) DO UPDATE SET content_generation = content_generation + 1;
      END;
      CREATE TRIGGER personas_update_stamp AFTER UPDATE ON personas BEGIN
        INSERT INTO persona_changes (persona_id, content_generation) VALUES (NEW.id, 1)
          ON CONFLICT (persona_id) DO UPDATE SET content_generation = content_generation + 1;
      END;
      CREATE TRIGGER embedded_chunks_insert_stamp AFTER INSERT ON embedded_chunks BEGIN
        INSERT INTO persona_changes (persona_id, embedding_generation) VALUES (NEW.persona_id, 1)
          ON CONFLICT (persona_id) DO UPDATE SET embedding_generation = embedding_generation + 1;
      END;
      CREATE TRIGGER embedded_chunks_delete_stamp AFTER DELETE ON embedded_chunks BEGIN
        INSERT INTO persona_changes (persona_id, embedding_generation) VALUES (OLD.persona_id, 1)
          ON CONFLICT (persona_id) DO UPDATE SET embedding_generation = embedding_generation + 1;
      END;
    `,
  },
];
