//! A group's or a session's priced sums, by price bucket, as a sorted vector.
//!
//! A call has one bucket and a group or session a handful, so a vector kept in bucket order holds them in a tenth of
//! the memory of an ordered map (whose every node has room for eleven), and is read back in the same order.

use rust_decimal::Decimal;

use crate::call::{BucketKey, Sums, TokenSource, Tokens};

/// Priced sums by bucket, in bucket order, each bucket once.
pub type Buckets = Vec<(BucketKey, Sums)>;

/// Adds one call's tokens to its bucket.
pub fn add(buckets: &mut Buckets, key: BucketKey, tokens: &Tokens, source: TokenSource, reported: Option<Decimal>) {
    match buckets.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(i) => buckets[i].1.add_call(tokens, source, reported),
        Err(i) => {
            let mut sums = Sums::default();
            sums.add_call(tokens, source, reported);
            insert(buckets, i, (key, sums));
        }
    }
}

/// Inserts a bucket, growing the vector by one while it is small: most groups and sessions have one bucket, and a
/// vector's first growth would make room for four.
fn insert(buckets: &mut Buckets, at: usize, bucket: (BucketKey, Sums)) {
    if buckets.len() == buckets.capacity() {
        buckets.reserve_exact(buckets.len().clamp(1, 8));
    }
    buckets.insert(at, bucket);
}

/// Adds the sums of a bucket read back from a spilled run.
pub fn merge(buckets: &mut Buckets, key: BucketKey, sums: &Sums) {
    match buckets.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(i) => buckets[i].1.merge(sums),
        Err(i) => insert(buckets, i, (key, sums.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::Tier;

    fn key(model: usize, row: usize) -> BucketKey {
        BucketKey {
            model,
            row,
            tier: Tier::Standard,
            level: 0,
        }
    }

    #[test]
    fn buckets_stay_in_order_each_once() {
        let t = |input| Tokens {
            input,
            ..Tokens::default()
        };
        let mut b = Buckets::new();
        add(&mut b, key(2, 0), &t(5), TokenSource::Reported, None);
        add(&mut b, key(1, 3), &t(7), TokenSource::Counted, None);
        add(&mut b, key(2, 0), &t(11), TokenSource::Reported, None);
        let mut spilled = Sums::default();
        spilled.add(&t(100), TokenSource::Estimated);
        merge(&mut b, key(1, 0), &spilled);
        merge(&mut b, key(1, 3), &spilled);
        let got: Vec<(usize, usize, u64, u64, [u64; 3])> = b
            .iter()
            .map(|(k, s)| (k.model, k.row, s.calls, s.tokens.input, s.sources))
            .collect();
        assert_eq!(
            got,
            [
                (1, 0, 1, 100, [0, 0, 1]),
                (1, 3, 2, 107, [0, 1, 1]),
                (2, 0, 2, 16, [2, 0, 0])
            ]
        );
        // One bucket takes room for one.
        let mut one = Buckets::new();
        add(&mut one, key(0, 0), &t(1), TokenSource::Reported, None);
        assert_eq!(one.capacity(), 1);
    }
}
