package dev.strata.store;

import dev.strata.oci.Digest;

/**
 * One thing {@code strata doctor --verify} found wrong in a store, and what {@code --repair} does about it.
 *
 * @param kind   what sort of damage
 * @param what   the entry ("blob sha256:...", "tag demo/base:1", "ref cache/HEX", "tmp/blob-pid12-...")
 * @param detail what is wrong with it, in a sentence
 * @param repair what {@code --repair} does about it
 */
public record StoreProblem(Kind kind, String what, String detail, Repair repair) {
    /** The sorts of damage; all but {@link #LEFTOVER} make a store inconsistent. */
    public enum Kind {
        /** A blob whose bytes do not hash to its name (bit rot, an edit by hand, a bad copy). */
        CORRUPT_BLOB,
        /** A tag whose image lacks its manifest or config, or whose manifest cannot be read. */
        BROKEN_TAG,
        /** A ref naming a blob the store lacks, or a ref file that cannot be read. */
        DANGLING_REF,
        /** A cache record or skeleton that is not what its ref says (unreadable, or disagreeing with its layer). */
        BAD_ENTRY,
        /** index.json itself cannot be read. */
        BAD_INDEX,
        /** A temp file or dir whose writer is gone (a killed process): it only takes space. */
        LEFTOVER
    }

    /** True when the store is inconsistent because of this problem (a leftover only takes space). */
    public boolean breaks() {
        return kind != Kind.LEFTOVER;
    }

    /** What {@code --repair} does: only removals, so a repair never invents content. */
    public sealed interface Repair {
        /** In a sentence, for the report. */
        String describe();

        /** Deletes a blob, once it is seen corrupt again under the store lock. */
        record DeleteBlob(Digest digest) implements Repair {
            @Override
            public String describe() {
                return "delete the blob (pull or build again to get it back)";
            }
        }

        /** Removes a tag from index.json. */
        record Untag(String name) implements Repair {
            @Override
            public String describe() {
                return "remove the tag (pull or build the image again)";
            }
        }

        /** Removes refs/NAMESPACE/NAME. */
        record RemoveRef(String namespace, String name) implements Repair {
            @Override
            public String describe() {
                return "remove the ref (the step runs again next time)";
            }
        }

        /** Deletes a leftover file or dir under tmp/ or snapshots/ (relative to the store root). */
        record DeleteTemp(String relative) implements Repair {
            @Override
            public String describe() {
                return "delete it";
            }
        }

        /** Moves an unreadable index.json into tmp/ and starts an empty one: every tag is lost. */
        record ResetIndex() implements Repair {
            @Override
            public String describe() {
                return "move it to tmp/ and start an empty index (every tag is lost; blobs stay until prune)";
            }
        }
    }
}
