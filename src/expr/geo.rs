//! Geographic functions on ODK geopoint text (`lat lon [alt acc]`, points joined by `;`):
//! `distance`, `area` and `geofence`, on a sphere of radius 6,378,100 m as ODK Collect does.

const EARTH_RADIUS_M: f64 = 6_378_100.0;

/// Parses `lat lon ...; lat lon ...` into (lat, lon) pairs in degrees; `None` if any point is bad.
pub fn points(text: &str) -> Option<Vec<(f64, f64)>> {
    text.split(';')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let mut it = p.split_whitespace().map(|x| x.parse::<f64>().ok());
            let lat = it.next()??;
            let lon = it.next()??;
            ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
        })
        .collect()
}

/// Great-circle distance in metres between two points (haversine).
pub fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// Length in metres of the path through `pts`, in order (NaN for fewer than two points).
pub fn distance(pts: &[(f64, f64)]) -> f64 {
    if pts.len() < 2 {
        return f64::NAN;
    }
    pts.windows(2).map(|w| haversine(w[0], w[1])).sum()
}

/// Area in square metres of the polygon `pts` (Chamberlain and Duquette's spherical formula).
pub fn area(pts: &[(f64, f64)]) -> f64 {
    if pts.len() < 3 {
        return 0.0;
    }
    let n = pts.len();
    let sum: f64 = (0..n)
        .map(|i| {
            let (p, q) = (pts[i], pts[(i + 1) % n]);
            (q.1 - p.1).to_radians() * (2.0 + p.0.to_radians().sin() + q.0.to_radians().sin())
        })
        .sum();
    (sum * EARTH_RADIUS_M * EARTH_RADIUS_M / 2.0).abs()
}

/// Whether `point` lies inside the polygon `shape` (ray casting on latitude / longitude).
pub fn inside(point: (f64, f64), shape: &[(f64, f64)]) -> bool {
    let (y, x) = point;
    let mut inside = false;
    let n = shape.len();
    for i in 0..n {
        let (yi, xi) = shape[i];
        let (yj, xj) = shape[(i + n - 1) % n];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_matches_odk_collect() {
        let d = distance(&points("7.9377 -11.5845 0 0;7.9324 -11.5902 0 0").unwrap());
        assert!((d - 861.99).abs() < 0.01, "{d}");
    }

    #[test]
    fn a_point_in_a_square_is_inside_and_one_outside_is_not() {
        let square = points("0 0 0 0;0 1 0 0;1 1 0 0;1 0 0 0;0 0 0 0").unwrap();
        assert!(inside((0.5, 0.5), &square));
        assert!(!inside((2.0, 0.5), &square));
    }
}
