//! Compressed font subsets kept between builds. Cutting a face down to the glyphs a
//! report uses is the most expensive step of a build (FandolFang's CFF outlines
//! alone take some 30 ms), and an edit rarely changes the set of characters, so
//! the result is kept on disk under a name made of everything it depends on: the
//! font file (path, length, modification time), the glyphs, and the version of
//! this program. A hit gives the very bytes a miss would compute, so the PDF is
//! the same either way.
//!
//! The folder is `$NIANBAO_CACHE_DIR`, else `$XDG_CACHE_HOME/nianbao`, else
//! `~/.cache/nianbao`; `NIANBAO_CACHE_DIR=off` turns the cache off. Nothing here
//! can fail a build: an unreadable or unwritable cache is a miss.

use std::io::Write as _;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

/// Where subsets are kept, if anywhere.
#[derive(Debug, Clone)]
pub struct SubsetCache {
    dir: Option<PathBuf>,
}

/// A subset as the PDF embeds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedSubset {
    /// Length of the font program before compression (`/Length1`).
    pub raw_len: u64,
    /// The zlib-compressed font program.
    pub compressed: Vec<u8>,
}

impl SubsetCache {
    /// The cache the environment asks for (see the module's documentation).
    pub fn from_env() -> SubsetCache {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let dir = match var("NIANBAO_CACHE_DIR") {
            Some(dir) if dir == "off" => None,
            Some(dir) => Some(PathBuf::from(dir)),
            None => var("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".cache")))
                .map(|base| base.join("nianbao")),
        };
        SubsetCache {
            dir: dir.map(|d| d.join("subsets")),
        }
    }

    /// A cache in `dir`, or none.
    pub fn at(dir: Option<PathBuf>) -> SubsetCache {
        SubsetCache { dir }
    }

    /// The name of the subset of the font identified by `font` to `glyphs`.
    pub fn key(font: &str, glyphs: impl Iterator<Item = u16>) -> String {
        let mut hash = Sha256::new();
        hash.update(env!("CARGO_PKG_VERSION").as_bytes());
        hash.update([0]);
        hash.update(font.as_bytes());
        hash.update([0]);
        for gid in glyphs {
            hash.update(gid.to_le_bytes());
        }
        hash.finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The subset kept under `key`, if it is there and whole: an entry is its
    /// length before compression, a checksum, then the compressed bytes.
    pub fn get(&self, key: &str) -> Option<CachedSubset> {
        let bytes = std::fs::read(self.dir.as_ref()?.join(key)).ok()?;
        let (len, rest) = bytes.split_first_chunk::<8>()?;
        let (sum, compressed) = rest.split_first_chunk::<16>()?;
        (checksum(compressed) == *sum).then(|| CachedSubset {
            raw_len: u64::from_le_bytes(*len),
            compressed: compressed.to_vec(),
        })
    }

    /// Keeps `subset` under `key`. Written beside and renamed into place, so that
    /// a reader (another build running at the same time) never sees half a file.
    pub fn put(&self, key: &str, subset: &CachedSubset) {
        let Some(dir) = &self.dir else { return };
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(dir)?;
            let mut file = tempfile::NamedTempFile::new_in(dir)?;
            file.write_all(&subset.raw_len.to_le_bytes())?;
            file.write_all(&checksum(&subset.compressed))?;
            file.write_all(&subset.compressed)?;
            file.persist(dir.join(key))?;
            Ok(())
        };
        let _ = write();
    }
}

fn checksum(bytes: &[u8]) -> [u8; 16] {
    let digest = Sha256::digest(bytes);
    let mut sum = [0; 16];
    sum.copy_from_slice(&digest[..16]);
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_subset_comes_back_and_keys_tell_glyph_sets_apart() {
        let dir = tempfile::tempdir().unwrap();
        let cache = SubsetCache::at(Some(dir.path().join("subsets")));
        let key = SubsetCache::key("font.ttf 100 5", [1, 2, 3].into_iter());
        assert_ne!(key, SubsetCache::key("font.ttf 100 5", [1, 2].into_iter()));
        assert_ne!(
            key,
            SubsetCache::key("font.ttf 100 6", [1, 2, 3].into_iter())
        );
        assert_eq!(cache.get(&key), None);
        let subset = CachedSubset {
            raw_len: 42,
            compressed: vec![7; 10],
        };
        cache.put(&key, &subset);
        assert_eq!(cache.get(&key), Some(subset));
        assert_eq!(SubsetCache::at(None).get(&key), None);
    }
}
