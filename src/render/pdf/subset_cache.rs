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
//!
//! An entry is `MAGIC`, a checksum, then its key (everything it depends on), the
//! length before compression and the compressed bytes; the checksum covers all of
//! them. Reading checks both the checksum and the key, so a damaged entry, a cut one
//! and one filed under another entry's name are all misses, never embedded.

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

    /// The key of the subset of the font identified by `font` to `glyphs`.
    pub fn key(font: &str, glyphs: impl Iterator<Item = u16>) -> SubsetKey {
        let mut material = Vec::new();
        material.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
        material.push(0);
        material.extend_from_slice(font.as_bytes());
        material.push(0);
        for gid in glyphs {
            material.extend_from_slice(&gid.to_le_bytes());
        }
        let name = Sha256::digest(&material)
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect();
        SubsetKey { name, material }
    }

    /// The subset kept under `key`, if it is there, whole, and made for this very key:
    /// an entry filed under another name (copied, renamed, or a hash collision) is a
    /// miss like a damaged one.
    pub fn get(&self, key: &SubsetKey) -> Option<CachedSubset> {
        let bytes = std::fs::read(self.dir.as_ref()?.join(&key.name)).ok()?;
        let rest = bytes.strip_prefix(MAGIC)?;
        let (sum, body) = rest.split_first_chunk::<16>()?;
        if checksum(body) != *sum {
            return None;
        }
        let (key_len, body) = body.split_first_chunk::<4>()?;
        let key_len = u32::from_le_bytes(*key_len) as usize;
        if body.get(..key_len)? != key.material.as_slice() {
            return None;
        }
        let (len, compressed) = body[key_len..].split_first_chunk::<8>()?;
        Some(CachedSubset {
            raw_len: u64::from_le_bytes(*len),
            compressed: compressed.to_vec(),
        })
    }

    /// Keeps `subset` under `key`. Written beside and renamed into place, so that
    /// a reader (another build running at the same time) never sees half a file.
    pub fn put(&self, key: &SubsetKey, subset: &CachedSubset) {
        let Some(dir) = &self.dir else { return };
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(dir)?;
            let mut body = Vec::with_capacity(12 + key.material.len() + subset.compressed.len());
            body.extend_from_slice(&(key.material.len() as u32).to_le_bytes());
            body.extend_from_slice(&key.material);
            body.extend_from_slice(&subset.raw_len.to_le_bytes());
            body.extend_from_slice(&subset.compressed);
            let mut file = tempfile::NamedTempFile::new_in(dir)?;
            file.write_all(MAGIC)?;
            file.write_all(&checksum(&body))?;
            file.write_all(&body)?;
            file.persist(dir.join(&key.name))?;
            Ok(())
        };
        let _ = write();
    }
}

/// What a subset depends on (the program's version, the font file, the glyphs), and
/// the file name made from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsetKey {
    /// The entry's file name: the first 16 bytes of the SHA-256 of `material`, in hex.
    pub name: String,
    /// Everything the subset depends on, kept inside the entry and compared on reading.
    material: Vec<u8>,
}

/// The first bytes of every entry (and of no entry of an older layout).
const MAGIC: &[u8] = b"nianbao subset 2\n";

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
            key.name,
            SubsetCache::key("font.ttf 100 5", [1, 2].into_iter()).name
        );
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

    #[test]
    fn an_entry_filed_under_another_key_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = SubsetCache::at(Some(dir.path().to_path_buf()));
        let (a, b) = (
            SubsetCache::key("a.ttf 1 1", [1, 2].into_iter()),
            SubsetCache::key("b.ttf 1 1", [1, 2].into_iter()),
        );
        let subset = CachedSubset {
            raw_len: 3,
            compressed: vec![1, 2, 3],
        };
        cache.put(&a, &subset);
        std::fs::copy(dir.path().join(&a.name), dir.path().join(&b.name)).unwrap();
        assert_eq!(cache.get(&a), Some(subset));
        assert_eq!(cache.get(&b), None, "a's subset is not b's");
    }
}
