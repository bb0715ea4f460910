"""The leader's big screen (大屏, issue #14): one aggregated summary of a region gathered from
the monitoring, archive and cases services (:mod:`.service`), its API and its page."""
