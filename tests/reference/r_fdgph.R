# Reference values of R's fracdiff::fdGPH for tests/verify/test_estimators.py.
#
# Regenerate (from tests/reference/):
#   apt-get install -y r-base-core r-cran-fracdiff      # Debian packages
#   python stats_make_series.py                          # writes stats_series.csv
#   Rscript r_fdgph.R <path of nile_min.csv>             # writes r_fdgph.csv
# nile_min.csv is the Nile minima (n = 663; shared/data/nile_min or rnnmem/datasets/data).
args <- commandArgs(trailingOnly = TRUE)
library(fracdiff)
series <- read.csv("stats_series.csv")
series$nile <- NULL
nile <- read.csv(args[1])$nile
out <- data.frame()
for (name in c("nile", names(series))) {
  x <- if (name == "nile") nile else series[[name]]
  for (bw in c(0.5, 0.6, 0.7)) {
    r <- fdGPH(x, bandw.exp = bw)
    out <- rbind(out, data.frame(series = name, bandwidth = bw, n = length(x),
                                 d = r$d, sd_as = r$sd.as, sd_reg = r$sd.reg))
  }
}
out$d <- sprintf("%.17g", out$d)
out$sd_as <- sprintf("%.17g", out$sd_as)
out$sd_reg <- sprintf("%.17g", out$sd_reg)
write.csv(out, "r_fdgph.csv", row.names = FALSE, quote = FALSE)
cat("fracdiff", as.character(packageVersion("fracdiff")), "R", R.version.string, "\n")
